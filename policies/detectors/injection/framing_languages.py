"""Framing signal rules: the persona and removal moves in Spanish, French, German, Italian
and Portuguese.

The same structure as in English - a persona assigned ("a partir de ahora actuarás como",
"stell dir vor, du bist"), the model's programming or moral compass defied ("ignora tu
brújula moral", "défie ta programmation"), no restrictions ("no tienes ninguna
restricción"), an evil or uncensored AI. Texts are matched after accents are folded
("actúa" is matched as "actua").

The tuples are assembled into ``framing.SIGNAL_RULES`` in the order they were written
(see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import Rule
from policies.detectors.injection.signals import (
    ENFORCEMENT,
    NO_LIMITS,
    PERSONA,
    UNFILTERED,
    signal_rule,
)

_FROM_NOW = (
    r"(?:de ahora en adelante|a partir de ahora|desde ahora|a partir de maintenant|"
    r"des maintenant|ab jetzt|ab sofort|von nun an|d'ora in (?:poi|avanti)|da ora in poi|"
    r"a partir de agora|de agora em diante)"
)
_RULES = (
    r"(?:programacion|programmazione|programmation|programmierung|programacao|"
    r"brujula moral|bussola morale|boussole morale|moralischen kompass|bussola moral|"
    r"regole|reglas|regles|regeln|regras|restricciones|restrizioni|restrictions|"
    r"einschrankungen|restricoes|etica|ethik|ethique|filtros|filtri|filtres|directrices|"
    r"linee guida|richtlinien|diretrizes|parametros eticos|parametri etici|parametres ethiques)"
)

LANGUAGE_RULES: tuple[Rule, ...] = (
    signal_rule(
        PERSONA,
        rf"\b{_FROM_NOW},? (?:tu |usted |vous |du |voce )?(?:eres|seras|actuaras|actuas|actua|vas a|es|seras|agiras|vas|bist|wirst|sollst|sei|sarai|agirai|e|sera|vai)\b",
        ("ahora", "partir", "desde", "maintenant", "jetzt", "sofort", "nun", "ora", "agora"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:actua|actuaras|actue|agis|agissez|agisci|aja|handle|verhalte dich) (?:como|comme|come|als|wie)\b",
        ("actua", "actuaras", "actue", "agis", "agissez", "agisci", "aja", "handle", "verhalte"),
        ("como", "comme", "come", "als", "wie"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:finge|fingi|finja) (?:ser|di essere|que eres|que e)\b|\bfais semblant d'etre\b|\b(?:imagina|imagine|immagina) (?:que eres|que tu es|di essere|que voce e|que es)\b|\bstell dir vor,? du (?:bist|warst)\b|\btu so,? als (?:ob|warst)\b",
        ("finge", "fingi", "finja", "semblant", "imagina", "imagine", "immagina", "stell", "so"),
        ("ser", "essere", "eres", "e", "etre", "es", "du", "ob", "warst"),
    ),
    signal_rule(
        PERSONA,
        r"\b(?:interpreta|joue|spiel|interprete) (?:el papel|le role|die rolle|il ruolo|o papel)\b",
        ("papel", "role", "rolle", "ruolo"),
    ),
    signal_rule(
        NO_LIMITS,
        rf"\b(?:ignora|ignore|ignorez|ignoriere|ignorier|bypassa|desafia|defie|defiez|sfida|umgehe|contourne|eludi|elude|olvida|oublie|vergiss|dimentica|esquece|desasociate de|libera(?:te)? de|liberati da|liberes?-toi de|befreie dich von) (?:la |el |los |las |le |les |il |i |o |a |os |as |die |der |den |deine |deinen |ihre |tu |tus |tua |tuoi |tue |ta |tes |ton |sua |suas |seus |teu |tua )?(?:\w+ ){{0,2}}?{_RULES}\b",
        (
            "ignora",
            "ignore",
            "ignorez",
            "ignoriere",
            "ignorier",
            "bypassa",
            "desafia",
            "defie",
            "defiez",
            "sfida",
            "umgehe",
            "contourne",
            "eludi",
            "elude",
            "olvida",
            "oublie",
            "vergiss",
            "dimentica",
            "esquece",
            "desasociate",
            "libera",
            "liberate",
            "liberati",
            "liberes",
            "befreie",
        ),
    ),  # fmt: skip
    signal_rule(
        NO_LIMITS,
        r"\b(?:fuera de|al di fuori d(?:ei|elle|i)|en dehors de|au-dela de|ausserhalb (?:deiner|der|von)|fora d[eo]s?) (?:tus |tuoi |tue |tes |vos |deiner |seus |suas |los |les |dei |delle )?(?:\w+ )?(?:parametros|parametri|parametres|parameter|regole|reglas|regles|regeln|regras|limites|limiti|grenzen|restricciones|restrizioni|restrictions)\b",
        ("fuera", "fuori", "dehors", "dela", "ausserhalb", "fora"),
    ),
    signal_rule(
        NO_LIMITS,
        r"\bno tienes (?:ninguna |ningun |ningunas )?(?:restriccion|restricciones|limites?|filtros?|reglas)\b|\bn'as (?:aucune|aucun|pas de|plus de) (?:restrictions?|limites?|regles?|filtres?)\b|\bhast keine (?:einschrankungen|regeln|grenzen|filter)\b|\bnon hai (?:alcuna|nessuna|alcun|nessun|piu) (?:restrizion[ei]|limit[ei]|regol[ae]|filtr[oi])\b|\bnao tem (?:nenhuma |nenhum |mais )?(?:restricao|restricoes|limites?|regras|filtros?)\b",
        (
            "restriccion",
            "restricciones",
            "limite",
            "limites",
            "filtro",
            "filtros",
            "reglas",
            "restriction",
            "restrictions",
            "regle",
            "regles",
            "filtre",
            "filtres",
            "einschrankungen",
            "regeln",
            "grenzen",
            "filter",
            "restrizione",
            "restrizioni",
            "limiti",
            "regola",
            "regole",
            "filtri",
            "restricao",
            "restricoes",
            "regras",
        ),
        ("tienes", "as", "hast", "hai", "tem"),
    ),  # fmt: skip
    signal_rule(
        UNFILTERED,
        r"\b(?:bose|bosartige|unzensierte|ungefilterte|boshafte) ki\b|\bia (?:malvada|malvagia|malveillante|malefica|sin censura|sin filtros?|senza censura|senza filtri|sem censura|sem filtros?|non censuree|sans censure|sans filtres?)\b|\b(?:ki|ia) (?:ohne|sin|senza|sem|sans) (?:zensur|censura|censure|filter|filtros|filtri|filtres|regeln|reglas|regole|regles|regras)\b",
        ("ki", "ia"),
    ),
)


# Actors who never leave their roles, and a persona handed over mid-conversation.
LANGUAGE_SCENE_RULES: tuple[Rule, ...] = (
    signal_rule(
        ENFORCEMENT,
        r"\b(?:bleiben|bleibt|bleib) (?:\w+ )?in (?:ihren|ihrer|seiner|deiner|der) rollen?\b|\b(?:restent|reste|restez) (?:\w+ )?dans (?:leur|leurs|son|ton|votre) (?:role|roles|personnage)s?\b|\b(?:permanecen|permanece|se mantienen|se mantiene|mantente) (?:\w+ )?en (?:sus|su|tu) (?:papel|papeles|personaje)s?\b|\b(?:restano|resta|rimangono|rimane|rimani) (?:\w+ )?nei? (?:loro|suo|tuo) ruol[oi]\b",
        (
            "bleiben",
            "bleibt",
            "bleib",
            "restent",
            "reste",
            "restez",
            "permanecen",
            "permanece",
            "mantienen",
            "mantiene",
            "mantente",
            "restano",
            "resta",
            "rimangono",
            "rimane",
            "rimani",
        ),
    ),  # fmt: skip
    signal_rule(
        PERSONA,
        r"\b(?:jetzt|nun) bist du (?!(?:dran|fertig|bereit|angemeldet|eingeloggt)\b)[a-z]|\bahora eres (?!(?:libre|capaz)\b)[a-z]|\bmaintenant,? tu es (?!(?:pret|libre|connecte)\b)[a-z]|\bora sei (?!(?:pronto|libero|connesso)\b)[a-z]",
        ("jetzt", "nun", "ahora", "maintenant", "ora"),
    ),
)
