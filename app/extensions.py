"""Extensions, created once and bound to each app with ``init_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect
from htmx_flask import Htmx

from app.db import Database

db = Database()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
htmx = Htmx()
# Limits are set per endpoint by the features that need them (sign-in, referral, invitations).
limiter = Limiter(key_func=get_remote_address, default_limits=[])
