"""What `opastin check` and the Rasa validation say, in English and Finnish: one function per
rule, each giving (what is wrong, how to fix it) in both languages."""

from __future__ import annotations

from datetime import date

from ..errors import DataError
from .problems import Wording


def config_broken(error: str) -> Wording:
    return Wording((error, "Fix the file as it says."), (error, "Korjaa tiedosto viestin mukaan."))


def file_broken(error: DataError) -> Wording:
    return Wording((error.rule, error.fix), (error.rule, error.fix))


def intent_without_answer(intent: str) -> Wording:
    return Wording(
        (
            f"Intent '{intent}' has examples but no knowledge entry answers it.",
            f"Add an entry with 'intent: {intent}' under knowledge/, or remove the intent.",
        ),
        (
            f"Aikeella '{intent}' on esimerkkejä, mutta mikään tietosisältö ei vastaa siihen.",
            f"Lisää knowledge/-kansioon tietue, jossa on 'intent: {intent}', tai poista aie.",
        ),
    )


def entry_unreachable(intent: str) -> Wording:
    return Wording(
        (
            f"No training example has intent '{intent}', so no question reaches this entry.",
            f"Add examples under '- intent: {intent}' in intents/<language>.yml.",
        ),
        (
            f"Yhdelläkään esimerkillä ei ole aietta '{intent}', joten mikään kysymys ei johda tähän.",
            f"Lisää esimerkkejä kohtaan '- intent: {intent}' tiedostoissa intents/<kieli>.yml.",
        ),
    )


def overview_without_entries(intent: str) -> Wording:
    return Wording(
        (
            f"'overviews:' names '{intent}', which lacks a region-wide entry or municipalities' entries.",
            f"Remove '{intent}' from 'overviews:', or give it an entry without 'municipality:' and some with one.",
        ),
        (
            f"'overviews:' nimeää aikeen '{intent}', jolla ei ole koko alueen tietuetta ja kuntien tietueita.",
            f"Poista '{intent}' kohdasta 'overviews:' tai lisää sille tietue ilman 'municipality:'-kenttää ja kuntien"
            " tietueita.",
        ),
    )


def duplicate_example(intent: str) -> Wording:
    return Wording(
        (f"The example is written twice under '{intent}'.", "Delete one of them."),
        (f"Esimerkki on kahdesti aikeen '{intent}' alla.", "Poista toinen."),
    )


def example_in_two_intents(first: str, language: str, intent: str) -> Wording:
    return Wording(
        (
            f"The same example stands under '{first}' ({language}) and '{intent}'.",
            "Keep it under the intent it really means; reword or delete the other.",
        ),
        (
            f"Sama esimerkki on aikeiden '{first}' ({language}) ja '{intent}' alla.",
            "Jätä se siihen aikeeseen, jota se tarkoittaa; muotoile toinen uudelleen tai poista se.",
        ),
    )


def too_few_examples(intent: str, language: str, count: int, needed: int) -> Wording:
    return Wording(
        (
            f"Only {count} examples of '{intent}' in {language} (at least {needed} are needed to understand it well).",
            f"Add examples of how people ask this in {language}.",
        ),
        (
            f"Aikeella '{intent}' on kielellä {language} vain {count} esimerkkiä (vähintään {needed} tarvitaan).",
            f"Lisää esimerkkejä siitä, miten tätä kysytään kielellä {language}.",
        ),
    )


def source_missing(name: str) -> Wording:
    return Wording(
        (
            f"The source document {name} is listed but not in knowledge/sources/.",
            "Copy the document there or remove it from sources.yml.",
        ),
        (
            f"Lähdeasiakirja {name} on luettelossa, mutta ei kansiossa knowledge/sources/.",
            "Kopioi asiakirja sinne tai poista se sources.yml-tiedostosta.",
        ),
    )


def fact_not_in_source(fact: str, source: str) -> Wording:
    return Wording(
        (
            f"'{fact}' does not appear in {source}.",
            "Copy the fact exactly from the source, or add it to knowledge/allowed_facts.yml with its source.",
        ),
        (
            f"'{fact}' ei esiinny lähteessä {source}.",
            "Kopioi tieto täsmälleen lähteestä tai lisää se tiedostoon knowledge/allowed_facts.yml lähteineen.",
        ),
    )


def unlisted_contact(found: str) -> Wording:
    return Wording(
        (
            f"'{found}' (an address, number or date) is in no source document.",
            "Check it against the sources; never write a contact or date the sources lack. Write a gaps: line instead.",
        ),
        (
            f"'{found}' (osoite, numero tai päivämäärä) ei ole missään lähdeasiakirjassa.",
            "Tarkista se lähteistä; älä koskaan kirjoita yhteystietoa tai päivää, jota lähteissä "
            "ei ole. Kirjoita sen sijaan gaps:-rivi.",
        ),
    )


def fact_missing_in_text(language: str, fact: str) -> Wording:
    return Wording(
        (
            f"The {language} text lacks '{fact}', which must appear exactly as in the source.",
            f"Write '{fact}' into the {language} text, character for character.",
        ),
        (
            f"Kielen {language} tekstistä puuttuu '{fact}', jonka pitää olla täsmälleen kuten lähteessä.",
            f"Kirjoita '{fact}' kielen {language} tekstiin merkki merkiltä.",
        ),
    )


def gap(gap: str) -> Wording:
    return Wording(
        (f"Not in the sources: {gap}.", "Ask the service for it and add it with its source."),
        (f"Ei lähteissä: {gap}.", "Kysy tieto palvelulta ja lisää se lähteineen."),
    )


def review_overdue(review_by: date) -> Wording:
    return Wording(
        (
            f"The entry was due for review on {review_by}.",
            "Check it against the current sources and set a new review_by date.",
        ),
        (
            f"Tietue olisi pitänyt tarkistaa {review_by}.",
            "Tarkista se ajantasaisista lähteistä ja aseta uusi review_by-päivä.",
        ),
    )


def event_over(last: date) -> Wording:
    return Wording(
        (
            f"The event's last date ({last}) is past; the bot tells users it has taken place.",
            "Add the next date from a source, or remove the entry.",
        ),
        (
            f"Tapahtuman viimeinen päivä ({last}) on mennyt; botti kertoo sen olleen jo.",
            "Lisää seuraava päivä lähteestä tai poista tietue.",
        ),
    )


def translation_outdated() -> Wording:
    return Wording(
        (
            "The Finnish text changed after this translation was made; users get English instead.",
            "Update the translation in Poedit or Weblate and clear the fuzzy mark.",
        ),
        (
            "Suomenkielinen teksti on muuttunut käännöksen jälkeen; käyttäjät saavat englanninkielisen.",
            "Päivitä käännös Poeditissa tai Weblatessa ja poista fuzzy-merkintä.",
        ),
    )


def golden_miss(expected: str, answered: str) -> Wording:
    return Wording(
        (
            f"Expected '{expected}', the bot answered '{answered}'.",
            "Add training examples like this question to the expected intent, or fix the entry.",
        ),
        (
            f"Odotettiin '{expected}', botti vastasi '{answered}'.",
            "Lisää tämänkaltaisia esimerkkejä odotettuun aikeeseen tai korjaa tietue.",
        ),
    )


# The checks `rasa data validate` makes -----------------------------------------------------


def rasa_no_examples(intent: str) -> Wording:
    return Wording(
        (
            f"Intent '{intent}' has no examples here; Rasa skips the block.",
            "Write examples under 'examples: |', one per line starting with '- ', or delete the block.",
        ),
        (
            f"Aikeella '{intent}' ei ole tässä esimerkkejä; Rasa ohittaa kohdan.",
            "Kirjoita esimerkit kohdan 'examples: |' alle, kukin omalle rivilleen alkaen '- ', tai poista kohta.",
        ),
    )


def rasa_duplicate(intent: str, first: str) -> Wording:
    return Wording(
        (
            f"The example stands twice under '{intent}' (first at {first}); Rasa drops the copy.",
            "Delete one of them, or write a new way of asking instead.",
        ),
        (
            f"Esimerkki on kahdesti aikeen '{intent}' alla (ensin kohdassa {first}); Rasa jättää kopion pois.",
            "Poista toinen tai kirjoita sen tilalle uusi tapa kysyä.",
        ),
    )


def rasa_two_intents(first_intent: str, intent: str, first: str) -> Wording:
    return Wording(
        (
            f"The same example stands under '{first_intent}' ({first}) and '{intent}'; "
            "Rasa learns both labels for one text.",
            "Keep it under the intent it really means; reword or delete the other.",
        ),
        (
            f"Sama esimerkki on aikeiden '{first_intent}' ({first}) ja '{intent}' alla; "
            "Rasa oppii samalle tekstille kaksi merkitystä.",
            "Jätä se siihen aikeeseen, jota se tarkoittaa; muotoile toinen uudelleen tai poista se.",
        ),
    )


def rasa_not_in_data(intent: str) -> Wording:
    return Wording(
        (
            f"Opastin answers intent '{intent}' (it is in Rasa's domain), but no example in intents/ has it, "
            "so no question reaches it.",
            f"Add examples under '- intent: {intent}' in intents/<language>.yml.",
        ),
        (
            f"Opastin vastaa aikeeseen '{intent}' (se on Rasan domainissa), mutta intents/-kansiossa ei ole "
            "sille esimerkkejä, joten mikään kysymys ei johda siihen.",
            f"Lisää esimerkkejä kohtaan '- intent: {intent}' tiedostoissa intents/<kieli>.yml.",
        ),
    )


def rasa_not_in_domain(intent: str) -> Wording:
    return Wording(
        (
            f"Intent '{intent}' has examples, but Opastin does not answer it (it is not in Rasa's domain), "
            "so these questions end in the fallback.",
            f"Add a knowledge entry with 'intent: {intent}', or rename the intent to one Opastin answers.",
        ),
        (
            f"Aikeella '{intent}' on esimerkkejä, mutta Opastin ei vastaa siihen (se ei ole Rasan domainissa), "
            "joten nämä kysymykset päätyvät varavastaukseen.",
            f"Lisää tietue, jossa on 'intent: {intent}', tai nimeä aie sellaiseksi, johon Opastin vastaa.",
        ),
    )


def municipality_without_answer(intent: str, municipality: str) -> Wording:
    return Wording(
        (
            f"'{intent}' depends on the municipality, but {municipality} has no entry and there is no general one:"
            " the bot cannot answer there.",
            f"Add an entry with 'municipality: {municipality}', or a general entry whose gaps name {municipality}.",
        ),
        (
            f"'{intent}' riippuu kunnasta, mutta kunnalla {municipality} ei ole tietuetta eikä yleistä tietuetta ole:"
            " botti ei osaa vastata siellä.",
            f"Lisää tietue, jossa on 'municipality: {municipality}', tai yleinen tietue, jonka gaps-rivi nimeää"
            f" kunnan {municipality}.",
        ),
    )


def municipality_unmarked(intent: str, municipality: str) -> Wording:
    return Wording(
        (
            f"{municipality} has no '{intent}' entry of its own, so it gets this general text, and no gaps line"
            " says the sources name nothing for it.",
            f"Add an entry for {municipality} from the sources, or make sure this text is right for {municipality}"
            f" (what holds everywhere, and whom to ask) and name {municipality} in a gaps: line.",
        ),
        (
            f"Kunnalla {municipality} ei ole omaa '{intent}'-tietuetta, joten se saa tämän yleisen tekstin, eikä"
            " mikään gaps-rivi kerro, ettei lähteissä ole sille mitään.",
            f"Lisää kunnalle {municipality} oma tietue lähteistä, tai varmista, että teksti pätee kuntaan"
            f" {municipality} (mikä pätee kaikkialla ja keneltä kysyä), ja nimeä {municipality} gaps:-rivillä.",
        ),
    )


def unreachable_fact(fact: str) -> Wording:
    return Wording(
        (
            f"Every municipality has its own entry for this intent, so this text is never shown, and it holds"
            f" what no shown entry holds: '{fact}'.",
            "Move the fact into the municipal entries (or into another entry people reach).",
        ),
        (
            f"Jokaisella kunnalla on tähän aikeeseen oma tietue, joten tätä tekstiä ei näytetä koskaan, ja siinä on"
            f" tietoa, jota missään näytettävässä tietueessa ei ole: '{fact}'.",
            "Siirrä tieto kuntien tietueisiin (tai muuhun tietueeseen, johon kysymykset johtavat).",
        ),
    )


def period_over(period: str, end: date, sentence: str) -> Wording:
    return Wording(
        (
            f"'{period}' ended on {end}, but the sentence speaks of it in the present tense: '{sentence}'.",
            "Say what happened in the past tense (oli, järjestettiin, tarjosi), or update it from a newer source.",
        ),
        (
            f"'{period}' päättyi {end}, mutta lause puhuu siitä preesensissä: '{sentence}'.",
            "Kerro mennyt menneessä aikamuodossa (oli, järjestettiin, tarjosi) tai päivitä tieto uudemmasta lähteestä.",
        ),
    )


def review_after_period(period: str, end: date, review_by: date) -> Wording:
    return Wording(
        (
            f"The text describes '{period}' as current, which ends on {end}, but review_by is {review_by}:"
            " the entry goes stale before anyone looks at it.",
            f"Set review_by to {end} or earlier.",
        ),
        (
            f"Teksti kuvaa jaksoa '{period}' ajankohtaisena, ja se päättyy {end}, mutta review_by on {review_by}:"
            " tietue vanhenee ennen kuin kukaan tarkistaa sen.",
            f"Aseta review_by viimeistään {end}.",
        ),
    )


def term_dropped(language: str, term: str) -> Wording:
    return Wording(
        (
            f"The English keeps the Finnish term '{term}', the {language} translation drops it: the user"
            " cannot say it at the counter.",
            f"Write '{term}' into the {language} text, e.g. in brackets after its translation.",
        ),
        (
            f"Englanninkielinen teksti säilyttää suomenkielisen termin '{term}', kielen {language} käännös ei:"
            " käyttäjä ei voi sanoa sitä asioidessaan.",
            f"Kirjoita '{term}' kielen {language} tekstiin, esimerkiksi sulkuihin käännöksen perään.",
        ),
    )
