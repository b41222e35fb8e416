"""State changes of the platform services, one module per concern (calendar, messaging, privacy).

Views, the API, the admin, management commands and tests all call these typed functions.
"""
