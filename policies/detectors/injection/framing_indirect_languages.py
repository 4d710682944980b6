"""Framing signal rules: indirect injection in Spanish, French, German, Italian and Portuguese.

Text addressed to the AI reading it ("cuando resumas este correo", "a l'IA qui lit ceci",
"Hinweis fur den Assistenten") and the reader's own task set aside ("ignora tu tarea",
"vergiss deine Aufgabe"; also in English: "ignore your original task"). Texts are matched
after accents are folded.

The tuples are assembled into ``framing.SIGNAL_RULES`` in the order they were written
(see there).
"""

from __future__ import annotations

from policies.detectors.injection.rules import RuleSpec
from policies.detectors.injection.signals import (
    ADDRESSES_AI,
    NOT_NEGATED,
    OVERRIDE_USER,
    signal_rule,
    signal_rules,
)

_AI_FOREIGN = r"(?:ia|ki|asistente|assistente|assistant|assistenten|agente|agent|agenten|modelo|modele|modell|modello|chatbot|llm)"
_AI_FOREIGN_WORDS = ("ia", "ki", "asistente", "assistente", "assistant", "assistenten", "agente",
                     "agent", "agenten", "modelo", "modele", "modell", "modello", "chatbot",
                     "llm", "ias", "kis", "asistentes", "assistenti", "agents", "agentes",
                     "modelos", "modeles", "modelle", "modelli", "assistants", "chatbots",
                     "llms")  # fmt: skip
LANGUAGE_INDIRECT_RULES: tuple[RuleSpec, ...] = (
    *signal_rules(
        ADDRESSES_AI,
        (
            (
                ("cuando", "al"),
                r"\b(?:cuando|al) (?:resumas|resumir|leas|leer|traduzcas|traducir|proceses|procesar) (?:este|esta|estos|estas) (?:correo|correos|e-?mails?|mensajes?|documentos?|paginas?|textos?)\b",
            ),
            (
                ("lorsque", "quand", "en"),
                r"\b(?:lorsque|quand|en) (?:tu |vous )?(?:resumes|resumez|resumant|lis|lisez|lisant|traduis|traduisez|traduisant) (?:cet|ce|cette|ces) (?:e-?mails?|courriels?|messages?|documents?|pages?|textes?)\b",
            ),
            (
                ("wenn",),
                r"\bwenn (?:du|sie) (?:diese[nrs]?|das|den) (?:e-?mails?|mails?|nachrichten?|dokumente?|seiten?|texte?)? ?(?:zusammenfasst|zusammenfassen|liest|lesen|ubersetzt|ubersetzen|verarbeitest|verarbeiten)\b",
            ),
            (
                ("quando",),
                r"\bquando (?:riassumi|leggi|traduci|elabori) (?:questa|questo|queste|questi) (?:e-?mails?|mail|messaggi[o]?|document[oi]|pagin[ae]|test[oi])\b|\bquando (?:voce )?(?:resumir|ler|traduzir|processar) (?:este|esta|estes|estas) (?:e-?mails?|mensage(?:m|ns)|documentos?|paginas?|textos?)\b",
            ),
        ),
    ),  # fmt: skip
    signal_rule(
        ADDRESSES_AI,
        rf"\b(?:la |el |l'|le |die |der |den |il |o |a )?{_AI_FOREIGN} (?:que|qui|che|der|die|das) (?:lee|lit|liest|legge|le|procesa|traite|verarbeitet|elabora|processa|resume|zusammenfasst|riassume|analiza|analyse|analysiert|analizza|analisa) (?:esto|este|esta|estos|estas|ceci|ce|cet|cette|ces|dies|diese[nrs]?|questo|questa|questi|queste|isto|estes)\b",
        _AI_FOREIGN_WORDS,
        ("que", "qui", "che", "der", "die", "das"),
    ),  # fmt: skip
    signal_rule(
        ADDRESSES_AI,
        rf"\b(?:nota|hinweis|mensaje|nachricht|messaggio|mensagem|instrucciones|anweisungen|anweisung|istruzioni|instrucoes|aviso|avviso|importante|wichtig) (?:para|pour|fur|an|per|a|al|alla|ao) (?:la |el |l'|le |die |den |das |il |o |a |todos los |todas las |tous les |toutes les |alle |tutti gli |todos os )?{_AI_FOREIGN}s?\b|\b(?:note|message|instructions) pour (?:l'|le |la |les |tous les |toutes les )?{_AI_FOREIGN}s?\b",
        (
            "nota",
            "hinweis",
            "mensaje",
            "nachricht",
            "messaggio",
            "mensagem",
            "instrucciones",
            "anweisungen",
            "anweisung",
            "istruzioni",
            "instrucoes",
            "aviso",
            "avviso",
            "importante",
            "wichtig",
            "pour",
        ),
        _AI_FOREIGN_WORDS,
    ),  # fmt: skip
    signal_rule(
        OVERRIDE_USER,
        rf"{NOT_NEGATED}\b(?:ignore|abandon|forget|disregard|neglect|drop) (?:your (?:[\w-]+ )?|the (?:original|assigned|primary|initial|user'?s?|current|actual) )(?:task|assignment|mission|objective|goal)s?\b",
        ("ignore", "abandon", "forget", "disregard", "neglect", "drop"),
        (
            "task",
            "tasks",
            "assignment",
            "assignments",
            "mission",
            "missions",
            "objective",
            "objectives",
            "goal",
            "goals",
        ),
    ),  # fmt: skip
    signal_rule(
        OVERRIDE_USER,
        rf"{NOT_NEGATED}\b(?:ignora|olvida|abandona|ignore|oublie|oubliez|abandonne|abandonnez|ignoriere|vergiss|dimentica|abbandona|esqueca|esquece|abandone) (?:tu|ta|ton|votre|deine[n]?|ihre[n]?|la tua|il tuo|tua|tuo|sua|seu|teu|a sua|o seu) (?:[\w-]+ )?(?:tarea|tache|aufgabe|compito|tarefa|mision|mission|auftrag|missione|missao|objetivo|objectif|ziel|obiettivo)\b",
        (
            "ignora",
            "olvida",
            "abandona",
            "ignore",
            "oublie",
            "oubliez",
            "abandonne",
            "abandonnez",
            "ignoriere",
            "vergiss",
            "dimentica",
            "abbandona",
            "esqueca",
            "esquece",
            "abandone",
        ),
        (
            "tarea",
            "tache",
            "aufgabe",
            "compito",
            "tarefa",
            "mision",
            "mission",
            "auftrag",
            "missione",
            "missao",
            "objetivo",
            "objectif",
            "ziel",
            "obiettivo",
        ),
    ),  # fmt: skip
)
