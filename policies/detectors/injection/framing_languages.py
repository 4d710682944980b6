"""Framing signal rules: the persona and removal moves in Spanish, French, German, Italian
and Portuguese.

The same structure as in English - a persona assigned ("a partir de ahora actuarás como",
"stell dir vor, du bist"), the model's programming or moral compass defied ("ignora tu
brújula moral", "défie ta programmation"), no restrictions ("no tienes ninguna
restricción"), an evil or uncensored AI, refusals and warnings forbidden. Texts are matched
after accents are folded ("actúa" is matched as "actua"). The model's standing rules set
aside and ``obey_me`` (English and the five languages) are in ``framing_standing_rules``;
indirect injection in the five languages in ``framing_indirect_languages``.

The tuples are assembled into ``framing.SIGNAL_RULES`` in the order they were written
(see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import RuleSpec
from policies.detectors.injection.signals import (
    DEV_MODE,
    ENFORCEMENT,
    NEVER_REFUSE,
    NO_DISCLAIMERS,
    NO_LIMITS,
    NOT_NEGATED,
    PERSONA,
    UNFILTERED,
    UNTIL_I_END,
    signal_rule,
)
from policies.detectors.injection.signals_roles import (
    NOT_PRACTICE_ROLE,
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


# An AI named as such, and an AI said to have no restrictions, in the five languages ("eres una
# IA llamada Libre que no tiene ninguna restriccion", "tu es DAN, une IA qui n'a aucune
# restriction", "uma IA sem nenhuma restricao"): the persona and the removal of the wild
# jailbreaks, in the third person as their persona sheets say it.
_AI_NOUN = r"(?:ia|ki|i\.a\.|inteligencia artificial|intelligence artificielle|kunstliche intelligenz|intelligenza artificiale)"
_AI_NOUN_GATES = ("ia", "ki", "inteligencia", "intelligence", "intelligenz", "intelligenza")
_NO_RESTRICTIONS_OF_AN_AI = (
    r"\b(?:ia|ki|chatbot|modelo|modele|modell|modello|asistente|assistente)\b[^.\n]{0,50}"
    r"\b(?:no tiene|sin|n'a|n'avait|sans|hat|ohne|non ha|senza|nao tem|sem) "
    r"(?:ninguna |ningun |ningunas |ningunos |aucune |aucun |pas de |plus de |jegliche |keine |"
    r"alcuna |nessuna |alcun |nessun |nenhuma |nenhum |qualquer )?"
    r"(?:restriccion(?:es)?|restrictions?|einschrankungen|beschrankungen|restrizion[ei]|restricao|"
    r"restricoes|filtros?|filtres?|filtri|censura|censure|zensur|limites?|limiti|grenzen|reglas|"
    r"regles|regeln|regole|regras)\b"
)

LANGUAGE_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        PERSONA,
        r"\b(?:eres|tu es|du bist|sei|voce e|vous etes|sie sind) (?:ahora |maintenant |jetzt |ora |agora )?"
        rf"(?:una? |une? |eine? |un'|uma? )(?:[\w-]+ ){{0,2}}?{_AI_NOUN}\b",
        _AI_NOUN_GATES,
        ("eres", "es", "bist", "sei", "e", "etes", "sind"),
    ),
    signal_rule(
        NO_LIMITS,
        _NO_RESTRICTIONS_OF_AN_AI,
        ("ia", "ki", "chatbot", "modelo", "modele", "modell", "modello", "asistente", "assistente"),
        (
            "restriccion",
            "restricciones",
            "restriction",
            "restrictions",
            "einschrankungen",
            "beschrankungen",
            "restrizione",
            "restrizioni",
            "restricao",
            "restricoes",
            "filtro",
            "filtros",
            "filtre",
            "filtres",
            "filtri",
            "filter",
            "censura",
            "censure",
            "zensur",
            "limite",
            "limites",
            "limiti",
            "grenzen",
            "reglas",
            "regles",
            "regeln",
            "regole",
            "regras",
        ),
    ),  # fmt: skip
    signal_rule(
        PERSONA,
        rf"\b{_FROM_NOW},? (?:tu |usted |vous |du |voce )?(?:eres|seras|actuaras|actuas|actua|vas a|es|seras|agiras|vas|bist|wirst|sollst|sei|sarai|agirai|e|sera|vai|no tienes|tienes|n'as|as|hast du|hast|non hai|hai|nao tem|tem|estas|estas en)\b",
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
        r"\b(?:finge|fingi|finja) (?:ser|di essere|que eres|que e)\b|\bfais semblant d'etre\b|\b(?:imagina|imagine|immagina) (?:que eres|que tu es|di essere|que voce e|que es)\b|\bstell dir vor,? du (?:bist|warst)\b|\btu so,? als (?:ob|warst)\b"
        + NOT_PRACTICE_ROLE,
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
        rf"{NOT_NEGATED}\b(?:ignora|ignore|ignorez|ignoriere|ignorier|bypassa|desafia|defie|defiez|sfida|umgehe|contourne|eludi|elude|olvida|oublie|vergiss|dimentica|esquece|desasociate de|libera(?:te)? de|liberati da|liberes?-toi de|befreie dich von) (?:la |el |los |las |le |les |il |i |o |a |os |as |die |der |den |deine |deinen |ihre |tu |tus |tua |tuoi |tue |ta |tes |ton |sua |suas |seus |teu |tua )?(?:\w+ ){{0,2}}?{_RULES}\b",
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
        r"\bno tienes (?:ninguna |ningun |ningunas )?(?:restriccion|restricciones|limites?|filtros?|reglas)\b|\bn'as (?:aucune|aucun|pas de|plus de) (?:restrictions?|limites?|regles?|filtres?)\b|\bhast (?:du )?keine (?:einschrankungen|beschrankungen|regeln|grenzen|filter)\b|\bnon hai (?:alcuna|nessuna|alcun|nessun|piu) (?:restrizion[ei]|limit[ei]|regol[ae]|filtr[oi])\b|\bnao tem (?:nenhuma |nenhum |mais )?(?:restricao|restricoes|limites?|regras|filtros?)\b",
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
            "beschrankungen",
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
LANGUAGE_SCENE_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        ENFORCEMENT,
        r"\b(?:bleiben|bleibt|bleib) (?:\w+ )?in (?:ihren|ihrer|seiner|deiner|der) rollen?\b"
        + UNTIL_I_END
        + r"|\b(?:restent|reste|restez) (?:\w+ )?dans (?:leur|leurs|son|ton|votre) (?:role|roles|personnage)s?\b|\b(?:permanecen|permanece|se mantienen|se mantiene|mantente) (?:\w+ )?en (?:sus|su|tu) (?:papel|papeles|personaje)s?\b|\b(?:restano|resta|rimangono|rimane|rimani) (?:\w+ )?nei? (?:loro|suo|tuo) ruol[oi]\b",
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


# Refusals and warnings forbidden, and "developer mode", in the five languages: the same
# signals as their English words, matched after accents are folded.
LANGUAGE_REMOVAL_RULES: tuple[RuleSpec, ...] = (
    signal_rule(
        NEVER_REFUSE,
        r"\b(?:no te niegues|nunca te niegues|ne refuse pas|ne refusez pas|weigere dich nicht|verweigere nicht|non rifiutarti|non rifiutare|nao se recuse|nao recuse)\b,? (?:a |de |d'|zu |di )?(?:responder|contestar|repondre|antworten|beantworten|rispondere|responder)\b|\b(?:nunca te niegues|no te niegues nunca|ne refuse jamais|ne refusez jamais|verweigere niemals|verweigere nie|weigere dich niemals|non rifiutare mai|non rifiutarti mai|nunca se recuse|nunca recuse)\b",
        ("no", "nunca", "ne", "weigere", "verweigere", "non", "nao"),
    ),
    signal_rule(
        NO_DISCLAIMERS,
        r"\b(?:responde|contesta|reponds|repondez|antworte|antworten sie|rispondi|rispondete|responda|responde)\b[^.\n]{0,20}\b(?:sin (?:ninguna |ningun |ningunas |ningunos )?(?:advertencias?|avisos?|descargos?)|sans (?:aucun |aucune )?(?:avertissements?|mises? en garde|avis de non-responsabilite)|ohne (?:jede |jegliche |irgendeine )?(?:warnungen?|hinweise?|haftungsausschluss|disclaimer)|senza (?:alcun |alcuna |nessun |nessuna )?(?:avvis[oi]|avvertiment[oi]|avvertenz[ae])|sem (?:nenhum |nenhuma |qualquer )?(?:avisos?|advertencias?|alertas?))\b",
        (
            "responde",
            "contesta",
            "reponds",
            "repondez",
            "antworte",
            "antworten",
            "rispondi",
            "rispondete",
            "responda",
        ),
    ),  # fmt: skip
    signal_rule(
        DEV_MODE,
        r"\b(?:modo (?:de )?desarrollador|mode (?:de )?developpeur|entwicklermodus|modalita (?:di )?sviluppatore|modo (?:de )?desenvolvedor)\b",
        ("modo", "mode", "entwicklermodus", "modalita"),
    ),
)
