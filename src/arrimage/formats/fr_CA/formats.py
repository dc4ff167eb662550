"""Quebec French date formats: "31 janvier 2024, 13 h 40".

Django's own fr_CA formats leave the "h" of "13 h 40" unescaped, which the date syntax reads as
the 12-hour clock ("13 01 40"). These escape it; every other format comes from Django.
"""

TIME_FORMAT = "H\xa0\\h\xa0i"
DATETIME_FORMAT = "j F Y, H\xa0\\h\xa0i"
SHORT_DATETIME_FORMAT = "Y-m-d H\xa0\\h\xa0i"
