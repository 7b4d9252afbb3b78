"""The POS web extension: the page Lightspeed opens inside the iPad POS, and pairing.

`bp` serves the page at /pos-extension/ (its template and plain ES-module assets
live beside this file); `api_bp` serves what only the page needs: pairing a device
with a one-time code, and the paired device's settings. Money moves through the
POS API (/v1/pos), which accepts the device credential for its own site.
"""

from service.pos_extension.api import api_bp
from service.pos_extension.page import bp

__all__ = ["api_bp", "bp"]
