"""JSON-safe forms of libtaxii's to_dict() output, shared by the oracle's subcommands.

json_safe(): bytes -> UTF-8 str, lxml elements -> serialized str, datetimes -> isoformat,
tuples/sets -> lists, libtaxii objects -> their to_dict(). canonical_dict(): json_safe,
then every string that is an XML document is replaced by its exclusive C14N form, so
inherited namespace declarations and attribute order do not make two messages differ.
"""

import datetime

from lxml import etree


def json_safe(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, (etree._Element, etree._ElementTree)):
        return etree.tostring(value, encoding="unicode")
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((json_safe(item) for item in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [json_safe(item) for item in value]
    if hasattr(value, "to_dict"):
        return json_safe(value.to_dict())
    return str(value)


def _canonical_xml(text):
    stripped = text.lstrip()
    if not stripped.startswith("<"):
        return text
    try:
        root = etree.fromstring(stripped.encode("utf-8"))
    except (etree.XMLSyntaxError, ValueError):
        return text
    return etree.tostring(root, method="c14n", exclusive=True).decode("utf-8")


def canonical_dict(value):
    value = json_safe(value)
    if isinstance(value, str):
        return _canonical_xml(value)
    if isinstance(value, dict):
        return {key: canonical_dict(item) for key, item in value.items()}
    if isinstance(value, list):
        return [canonical_dict(item) for item in value]
    return value
