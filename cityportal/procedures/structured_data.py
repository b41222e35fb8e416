"""schema.org GovernmentService JSON-LD for a guide, safe inside a <script> element.

Search engines and assistants read it to answer "how do I get a work permit in Beijing". Offices'
positions are stored in GCJ-02 (what Chinese maps use); schema.org coordinates are WGS-84, so they
are converted back here (the published GCJ-02 formula, inverted by iteration to about a centimetre).
"""

import json
import math

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from cityportal.core import i18n

# As Django's json_script: user text can then never close the <script> element or open a comment.
SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}

EARTH_RADIUS = 6378245.0  # Krasovsky 1940, as the GCJ-02 formula uses
ECCENTRICITY_SQUARED = 0.00669342162296594323


def _offset_latitude(x: float, y: float) -> float:
    value = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    value += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    value += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    value += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return value


def _offset_longitude(x: float, y: float) -> float:
    value = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    value += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    value += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    value += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return value


def wgs84_to_gcj02(latitude: float, longitude: float) -> tuple[float, float]:
    d_lat = _offset_latitude(longitude - 105.0, latitude - 35.0)
    d_lon = _offset_longitude(longitude - 105.0, latitude - 35.0)
    radians = latitude / 180.0 * math.pi
    magic = 1 - ECCENTRICITY_SQUARED * math.sin(radians) ** 2
    d_lat = (d_lat * 180.0) / (
        (EARTH_RADIUS * (1 - ECCENTRICITY_SQUARED)) / (magic * math.sqrt(magic)) * math.pi
    )
    d_lon = (d_lon * 180.0) / (EARTH_RADIUS / math.sqrt(magic) * math.cos(radians) * math.pi)
    return latitude + d_lat, longitude + d_lon


def gcj02_to_wgs84(latitude: float, longitude: float) -> tuple[float, float]:
    wgs_lat, wgs_lon = latitude, longitude
    for _step in range(10):
        gcj_lat, gcj_lon = wgs84_to_gcj02(wgs_lat, wgs_lon)
        wgs_lat += latitude - gcj_lat
        wgs_lon += longitude - gcj_lon
    return round(wgs_lat, 6), round(wgs_lon, 6)


def json_for_script(data) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(SCRIPT_ESCAPES)
    return mark_safe(text)  # noqa: S308 - JSON with <, > and & escaped, as json_script does


def without_empty(data):
    """Drop empty values: a property without a value says nothing and some validators warn about it."""
    if isinstance(data, dict):
        return {key: without_empty(value) for key, value in data.items() if value not in ("", None, [], {})}
    if isinstance(data, list):
        return [without_empty(value) for value in data]
    return data


def office_channel(office) -> dict:
    place = {
        "@type": "Place",
        "name": office.name,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": office.address,
            "addressLocality": _("Beijing"),
            "addressCountry": "CN",
        },
        "telephone": office.phone,
    }
    if office.has_position:
        latitude, longitude = gcj02_to_wgs84(float(office.latitude), float(office.longitude))
        place["geo"] = {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}
    channel = {"@type": "ServiceChannel", "name": office.name, "serviceLocation": place}
    if office.phone:
        channel["servicePhone"] = {"@type": "ContactPoint", "telephone": office.phone}
    return channel


def government_service(guide, *, url: str, department, offices, audiences, sections, language: str) -> dict:
    channels = [office_channel(office) for office in offices]
    if guide.online_application_url or guide.enquiry_phone:
        online = {
            "@type": "ServiceChannel",
            "name": _("Online and by phone"),
            "serviceUrl": guide.online_application_url,
        }
        if guide.enquiry_phone:
            online["servicePhone"] = {"@type": "ContactPoint", "telephone": guide.enquiry_phone}
        channels.append(online)
    provider = None
    if department is not None:
        provider = {
            "@type": "GovernmentOrganization",
            "name": department.name,
            "telephone": department.phone,
            "url": department.website,
            "address": department.address,
        }
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": guide.title,
        "description": guide.summary,
        "url": url,
        "identifier": guide.item_code,
        "inLanguage": i18n.bcp47(language),
        "serviceType": ", ".join(label for _code, label in sections) or guide.title,
        "provider": provider,
        "areaServed": {"@type": "City", "name": _("Beijing")},
        "availableChannel": channels,
        "audience": [{"@type": "Audience", "audienceType": label} for label in audiences],
        "serviceOutput": guide.result,
    }
    return without_empty(data)
