"""The word lists the generated notes (:mod:`eval.reader_notes`) are made of: invented people,
facts, places, roles, services, products and FAQ topics. No evaluation document is used."""

from __future__ import annotations

FIRST = (
    "Alice Bob Carmen Dmitri Elena Farid Grace Hiro Ines Jonas Kofi Lena Mateo Nadia Omar "
    "Priya Quentin Rosa Sven Tariq Uma Viktor Wen Ximena Yusuf Zoe Amara Bruno Chloe Diego"
).split()
LAST = (
    "Okafor Lindqvist Moreau Tanaka Novak Haddad Ferreira Kowalski Brennan Castillo Ivanova "
    "Mensah Dubois Sato Petrov Ahmed Keller Romero Nguyen Jensen"
).split()
# (attribute as asked, how a line names it, value maker)
PERSON_FACTS: tuple[tuple[str, str, str], ...] = (
    ("phone number", "phone", "phone"),
    ("locker code", "locker code", "code4"),
    ("email address", "email", "email"),
    ("office", "office", "room"),
    ("desk number", "desk", "desk"),
    ("parking spot", "parking spot", "spot"),
    ("extension", "extension", "ext"),
    ("start date", "start date", "date"),
    ("manager", "manager", "person"),
    ("team", "team", "team"),
    ("badge number", "badge", "badge"),
    ("birthday", "birthday", "date"),
)
TEAMS = "Finance Logistics Design Research Support Legal Sales Facilities Platform Data".split()
MONTHS = (
    "January February March April May June July August September October November December"
).split()
PLACES = (
    "main entrance|loading dock|bike room|server room|roof terrace|basement archive|"
    "staff kitchen|north stairwell|print room|mail room"
).split("|")
PLACE_FACTS = (("door code", "door code", "code4"), ("opening hours", "hours", "hours"))
ROLES = (
    "fire warden|first aider|key holder|safety officer|floor manager|IT contact|"
    "security lead|cleaning supervisor"
).split("|")
ORDINALS = ("1st", "2nd", "3rd", "4th", "5th", "6th")
ORDINAL_WORDS = ("first", "second", "third", "fourth", "fifth", "sixth")
SERVICES = (
    "plumber|electrician|locksmith|landlord|building manager|IT helpdesk|cleaner|gardener|"
    "caterer|security desk|front desk|facilities team|travel agent|translator"
).split("|")
PRODUCTS = "Orbit Nimbus Atlas Quill Harbor Juniper Comet Tessera Lumen Vega".split()
FEATURES = (
    "offline mode|dark theme|CSV export|single sign-on|audit log|bulk upload|two-factor login|"
    "webhooks|custom fields|calendar sync|PDF reports|role-based access"
).split("|")
FAQ_TOPICS = (
    ("renew a membership", "Memberships are renewed at the front desk or on the website."),
    ("book a meeting room", "Meeting rooms are booked through the shared calendar."),
    ("report a broken window", "Broken windows are reported to Facilities on extension 2210."),
    ("get a parking permit", "Parking permits are issued by reception for 40 euros a year."),
    ("bring a guest", "Each member may bring two guests per month."),
    ("return a late book", "Late books go in the drop box by the north door."),
    ("reserve a plot", "Plots are reserved each March by emailing the coordinator."),
    ("request a refund", "Refunds are requested with the form on the billing page."),
    ("replace a lost badge", "A lost badge is replaced by security for a fee of 10 euros."),
    ("join the newsletter", "You can join the newsletter from the account settings page."),
)
