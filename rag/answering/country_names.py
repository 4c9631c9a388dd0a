"""Names that stand for one country: the country, its adjective, its capital and short forms.

News writes "Moscow strongly opposed ..." for Russia, "the UK is prepared ..." for a question
about the British prime minister, "Ottawa has looked at ..." for Canada. A question naming
one of these forms is about a sentence naming any other of them (:func:`other_names`).
"""

from __future__ import annotations

_GROUPS = """
united states|us|usa|u.s.|america|american|americans|washington|white house
united kingdom|uk|u.k.|britain|british|briton|britons|england|english|london|downing street
russia|russian|russians|moscow|kremlin
ukraine|ukrainian|ukrainians|kiev|kyiv
france|french|paris|elysee|élysée
germany|german|germans|berlin
italy|italian|italians|rome
spain|spanish|madrid
poland|polish|pole|poles|warsaw
canada|canadian|canadians|ottawa
china|chinese|beijing
japan|japanese|tokyo
india|indian|indians|new delhi
israel|israeli|israelis|jerusalem
iran|iranian|iranians|tehran
turkey|turkish|ankara
netherlands|dutch|the hague|amsterdam
belgium|belgian|brussels
sweden|swedish|stockholm
norway|norwegian|oslo
denmark|danish|copenhagen
finland|finnish|helsinki
austria|austrian|vienna
switzerland|swiss|bern
greece|greek|athens
portugal|portuguese|lisbon
hungary|hungarian|budapest
australia|australian|canberra
brazil|brazilian|brasilia
mexico|mexican|mexico city
south korea|south korean|seoul
north korea|north korean|pyongyang
egypt|egyptian|cairo
saudi arabia|saudi|riyadh
european union|eu|brussels
"""

_BY_NAME: dict[str, frozenset[str]] = {}
for _line in _GROUPS.strip().splitlines():
    _group = frozenset(_line.split("|"))
    for _name in _group:
        _BY_NAME[_name] = _BY_NAME.get(_name, frozenset()) | _group


def other_names(name: str) -> frozenset[str]:
    """The other names (lower case) of the country ``name`` stands for; empty for any other."""
    return _BY_NAME.get(name.lower(), frozenset()) - {name.lower()}
