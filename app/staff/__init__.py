"""Council staff: coordinators, social workers, IROs, managers and admins of one organisation."""

from flask import Blueprint

from app.web.guards import require_roles

bp = Blueprint("staff", __name__, url_prefix="/staff")
require_roles(bp, lambda role: role.is_staff)

from app.staff import views  # noqa: E402, F401
from app.web.qr import qr_svg  # noqa: E402

bp.add_app_template_global(qr_svg)

from app.staff import book, consent, family, health, network, plan, referrals, story  # noqa: E402, F401
