"""Personal data out of stored text: names, e-mails, phone numbers, IBANs, identity codes,
addresses.

Applied before any text a user or a staff member wrote is written to the store. Replacements
name what was removed ("[phone]", "[name]") so that editors still see what kind of question it
was. What people type is found in the forms they type it in: names after "my name is" and its
equivalents in the 18 languages, IBANs compact or in groups, a postal code with its town, a
Finnish street in any case ("Kauppakadulla 47"), e-mails written "x (at) y [dot] fi", Finnish
numbers with spaces, dashes, dots, slashes or "(0)", foreign numbers, henkilötunnus.

Dates, clock times, law numbers ("1386/2010") and business ids are never taken for numbers;
facts the knowledge base publishes (officials' e-mails, office addresses) survive when the
caller passes them as ``keep``. ``tests/redaction.yml`` is the corpus that measures it
(``benchmarks/redaction.py`` prints recall per kind and language).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Collection, Iterator

from .patterns import DATE, EMAIL

Span = tuple[int, int]


def _words(text: str) -> list[str]:
    return text.split()


# Numbers and Latin words end where Latin letters and digits do: Chinese, Thai or Arabic glued to
# them ("电话是040 123 4567", "8899ـە") is not part of them.
_BEFORE = r"(?<![0-9A-Za-z\u00c0-\u024f\u0400-\u04ff_])"
_AFTER = r"(?![0-9A-Za-z\u00c0-\u024f\u0400-\u04ff_])"
_LETTER = r"[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]"
_EMAIL = re.compile(rf"(?<![A-Za-z0-9._%+-]){EMAIL}")
_HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY"
# Century signs: + (1800s), - and Y X W V U (1900s), A B C D E F (2000s).
_HETU = re.compile(rf"{_BEFORE}(?<!-)(\d{{2}})(\d{{2}})(\d{{2}})([-+A-FU-Y])(\d{{3}})([0-9A-Y]){_AFTER}", re.IGNORECASE)

#: Stands in for text already taken (kept or replaced): no later pattern reads across it.
_MASK = "\x00"

# Never personal: dates (23.4.2026, 2026-05-23), clock times (9.00, 17:30), law numbers
# (1386/2010) and business ids (0211675-2).
_NOT_PERSONAL = re.compile(
    rf"(?<![\d.]){DATE}(?![\d])|(?<!\d)\d{{4}}-\d{{2}}-\d{{2}}(?!\d)|(?<![\d.:])\d{{1,2}}[.:]\d{{2}}(?![\d])"
    r"|(?<![\d/])\d{1,4}/(?:19|20)\d{2}(?![\d/])|(?<![\d-])\d{7}-\d(?![\d-])"
)

_AT = r"\s*(?:\[\s*(?:at|ät|a|@)\s*\]|\(\s*(?:at|ät|a|@)\s*\)|\{\s*(?:at|@)\s*\}|<\s*(?:at|@)\s*>|@)\s*"
_SPOKEN_AT = r"\s+(?:at|ät|собака|собачка)\s+"
_DOT = r"(?:\s*(?:\[\s*(?:dot|piste|\.)\s*\]|\(\s*(?:dot|piste|\.)\s*\)|\{\s*(?:dot|\.)\s*\})\s*|\.|\s+\.\s*)"
_SPOKEN_DOT = r"\s+(?:dot|piste|точка)\s+"
_LOCAL = rf"[A-Za-z0-9_+-]+(?:(?:{_DOT}|{_SPOKEN_DOT})[A-Za-z0-9_+-]+)*"
_OBFUSCATED_EMAIL = re.compile(
    rf"(?<![A-Za-z0-9_.+-]){_LOCAL}(?:{_AT}[A-Za-z0-9-]+(?:(?:{_DOT}|{_SPOKEN_DOT})[A-Za-z0-9-]+)+"
    rf"|{_SPOKEN_AT}[A-Za-z0-9-]+(?:(?:{_DOT}|{_SPOKEN_DOT})[A-Za-z0-9-]+)*{_SPOKEN_DOT}[A-Za-z]{{2,6}})(?![A-Za-z0-9-])",
    re.IGNORECASE,
)

_IBAN = re.compile(
    _BEFORE + r"(?<!-)[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,7}+(?:[ -]?[A-Z0-9]{1,3})?(?!-)" + _AFTER, re.I
)

# A run of digit groups: "+358 (0)40 424 3070", "040.123.4567", "050/8306699", "(09) 123 4567".
_GROUP = r"(?:\(\d++\)|\d++)"
_PHONE = re.compile(
    rf"{_BEFORE}(?<!\+)(?<!\d[.,/])(?:\+|00)?+{_GROUP}(?:(?:[ \t./-]{{1,2}}|(?<=\))|[ \t]?(?=\()){_GROUP}){{0,7}}+"
    rf"{_AFTER}(?![.,/-]\d)"
)
_POSTAL = re.compile(
    _BEFORE + rf"(?<!-)(?:FI-)?\d{{5}}\s*,?\s+({_LETTER}(?:{_LETTER}|-)*{_LETTER})" + _AFTER, re.IGNORECASE
)
#: Towns written in lower case after a postal code (capitalised words are always taken).
_TOWNS = frozenset(
    _words(
        """
    kajaani hyrynsalmi kuhmo kuusamo paltamo puolanka ristijärvi sotkamo suomussalmi taivalkoski
    vuokatti helsinki espoo vantaa oulu tampere turku
    """
    )
)

# Finnish street words in every case ("katu", "kadulla", "kadun"), Swedish, English.
_STREET_WORDS = (
    r"ka(?:tu|du)\w{0,4}|tie(?:n|llä|lle|ltä|tä|hen)?|kuja\w{0,4}|pol(?:ku|u)\w{0,4}|väylä\w{0,4}"
    r"|raiti?\w{0,4}|rin(?:ne|tee)\w{0,4}|kaar[ei]\w{0,4}|ran(?:ta|na)\w{0,4}|tori\w{0,4}|aukio\w{0,4}"
    r"|puistik?ko\w{0,4}|kier(?:to|ro)\w{0,4}|piha\w{0,4}|m(?:äki|äe|äke)\w{0,4}|linja\w{0,4}|kaarre\w{0,4}"
    r"|gatan|vägen|gränd|torget|stigen|street|road|avenue"
)
_APARTMENT = r"(?:\s?[A-H](?![\w]))?(?:\s?(?:as\.?|lh\.?|bst\.?)?\s?\d{1,3}(?![\w.,]\d))?"
_ADDRESS = re.compile(
    rf"{_BEFORE}(?<!-){_LETTER}(?:{_LETTER}|-)+?(?:{_STREET_WORDS})\s+\d{{1,4}}(?![\d])(?:[a-h](?!\w))?{_APARTMENT}{_AFTER}"
    r"|(?<!\w)\d{1,4}\s+[A-Z][\w-]*\s(?:Street|Road|Avenue|St\.|Rd\.|Ave\.)",
    re.IGNORECASE,
)

# Names after a phrase that introduces one. Strong cues may be followed by a name in lower case;
# "cased" cues by capitalised words; weak cues ("I am", "olen") only by two or more.
_STRONG_CUES = (
    "nimeni on|minun nimeni on|mun nimeni on|mun nimi on|minun nimi on|nimi on|nimeni|nimi:"
    "|jag heter|mitt namn är|namn:"
    "|my name is|my name's|my name:|name:|my full name is"
    "|меня зовут|моё имя|мое имя|моя фамилия|имя:|мене звати|моє ім'я|моє ім’я|моє прізвище|ім'я:"
    "|minu nimi on|mu nimi on|nimi on"
    "|je m'appelle|je m’appelle|mon nom est|mon nom c'est|nom:|nom :"
    "|magacaygu waa|magacayga waa|magacaygu|magacayga|magaca:"
    "|me llamo|mi nombre es|nombre:"
    "|benim adım|benim ismim|ismim|adım soyadım"
    "|tên tôi là|tôi tên là|tên của tôi là|tên em là|em tên là|mình tên là|tên:"
    "|jina langu ni|naitwa|majina yangu ni|jina:"
    "|nitwa|izina ryanjye ni|amazina yanjye ni|izina:"
    "|اسمي|إسمي|اسم من|نام من|اسمم|ناوم|ناوی من|ناو:"
    "|ฉันชื่อ|ผมชื่อ|ดิฉันชื่อ|หนูชื่อ|ชื่อของฉันคือ|ชื่อของผมคือ|ชื่อ:"
    "|我叫|我名叫|我的名字是|我的名字叫|名字：|姓名：|姓名:"
)
_CASED_CUES = (
    "adım|terveisin|ystävällisin terveisin|hälsningar|med vänlig hälsning|regards|best regards"
    "|с уважением|з повагою|lugupidamisega|cordialement|saludos|saygılarımla"
    "|tôi tên|em tên|mình tên"  # Vietnamese "my name" without "là": only a capitalised name follows
)
_WEAK_CUES = (
    "olen|oon|minä olen|mä oon|mä olen|jag är|i am|i'm|i’m|я|ma olen|mina olen|je suis|c'est"
    "|waxaan ahay|soy|ben|tôi là|em là|mimi ni|ndi"
)
_CASED = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff\u0400-\u04ff"
_CUE = re.compile(
    rf"(?<![{_CASED}\u0600-\u06ff'’])(?:(?P<strong>{_STRONG_CUES})|(?P<cased>{_CASED_CUES})|(?P<weak>{_WEAK_CUES}))"
    r"(?:(?<=[\u0e00-\u0e7f\u4e00-\u9fff:：])|(?![\w'’-]))(?P<gap>[ \t:,-]*)",
    re.IGNORECASE,
)
#: A word of one script: a Latin or Cyrillic name ends where Sorani's glued copula ("Omarە") begins.
_WORD = re.compile(
    rf"[{_CASED}](?:[{_CASED}\u0300-\u036f'’-]*[{_CASED}\u0300-\u036f])?"
    rf"|[^\W\d_{_CASED}][^\W\d_{_CASED}\u064b-\u065f\u0670]*"
)
#: Lower-case words that may stand inside a name ("Abu Bakr", "van der Berg", "al-Hassan").
_PARTICLES = frozenset(
    _words(
        """
    al el bin ibn abu bint van von der den de da di du la le dos das ould
    """
    )
)
#: Words that end a name written without capitals, or in a script without them.
_STOPWORDS = frozenset(
    _words(
        """
    and i im i'm from in live living am is my me a the at but or so ja ja, asun olen mä minä ja mun
    och jag bor från är и я из живу и мне а но ma mina elan ja ning et je j'habite suis de et
    habite y yo soy vivo de ve ben ve yaşıyorum iyo waxaan ka oo và tôi sống ở em na mimi ninaishi
    kutoka opastin kandi ndi ntuye nkomoka niba و وأنا وانا أنا انا من في عندي أريد اريد أسكن اسكن
    أعيش اعيش أحتاج احتاج رقمي رقم هاتفي عمري أبحث ابحث هل كيف متى أين وين شو ايش إيش ليش بدي است
    هستم هست و من در از می ساکن شماره ئەمن من لە و ژمارەی دەمەوێ
    """
    )
)
_GAP = re.compile(r"[ \t]+")
_HAN_NAME = re.compile(r"[\u4e00-\u9fff]{1,4}")
_THAI_RUN = re.compile(r"[\u0e00-\u0e7f]+")
_THAI_PARTICLES = ("ครับ", "ค่ะ", "คะ", "นะ", "จ้ะ")
_THAI_STOPS = ("อยาก", "ต้องการ", "อาศัย", "อยู่", "เบอร์", "โทร", "และ", "มา", "จะ", "เป็น")


def is_valid_hetu(text: str) -> bool:
    """Tell whether ``text`` is a Finnish personal identity code with a correct check character."""
    match = _HETU.fullmatch(text.strip())
    return match is not None and _hetu_checks(match)


def _hetu_checks(match: re.Match[str]) -> bool:
    day, month, year, _, serial, check = match.groups()
    if not (1 <= int(day) <= 31 and 1 <= int(month) <= 12):
        return False
    return _HETU_CHECK[int(day + month + year + serial) % 31] == check.upper()


def _hetus(text: str) -> Iterator[Span]:
    return (match.span() for match in _HETU.finditer(text) if _hetu_checks(match))


def _all(pattern: re.Pattern[str]) -> Callable[[str], Iterator[Span]]:
    return lambda text: (match.span() for match in pattern.finditer(text))


def _ibans(text: str) -> Iterator[Span]:
    """IBAN-shaped runs, cut to the longest prefix whose check digits hold (or a Finnish one's 18)."""
    for match in _IBAN.finditer(text):
        raw = match.group(0)
        ends = [index + 1 for index, char in enumerate(raw) if char.isalnum()]
        for count in range(len(ends), 14, -1):
            compact = re.sub(r"[ -]", "", raw[: ends[count - 1]]).upper()
            if _iban_checks(compact) or (compact.startswith("FI") and len(compact) == 18 and compact[2:].isdigit()):
                yield match.start(), match.start() + ends[count - 1]
                break


def _iban_checks(compact: str) -> bool:
    digits = "".join(str(int(char, 36)) for char in compact[4:] + compact[:4])
    return int(digits) % 97 == 1


def _phones(text: str) -> Iterator[Span]:
    """Digit runs that are phone numbers: 7 to 15 digits, international or starting with one 0."""
    for match in _PHONE.finditer(text):
        number = match.group(0)
        digits = re.sub(r"\D", "", number)
        international = number.startswith(("+", "00"))
        if 7 <= len(digits) <= 15 and (international or (digits[0] == "0" and digits[1] != "0")):
            yield match.span()


def _postal_towns(text: str) -> Iterator[Span]:
    for match in _POSTAL.finditer(text):
        town = match.group(1)
        if town[0].isupper() or town.casefold() in _TOWNS:
            yield match.span()


def _names(text: str) -> Iterator[Span]:
    for cue in _CUE.finditer(text):
        tier = "strong" if cue.group("strong") else "cased" if cue.group("cased") else "weak"
        if "," in cue.group("gap") and tier != "cased":
            continue  # "magacayga, xagee ...": the cue word ends a phrase, no name follows
        end = _name_end(text, cue.end(), tier)
        if end > cue.end():
            yield cue.end(), end


def _name_end(text: str, start: int, tier: str) -> int:
    """Where the name starting at ``start`` ends (``start`` when there is none)."""
    if start < len(text) and "\u4e00" <= text[start] <= "\u9fff":
        return _HAN_NAME.match(text, start).end()  # type: ignore[union-attr]
    if start < len(text) and "\u0e00" <= text[start] <= "\u0e7f":
        return _thai_name_end(text, start)
    end, capitals, position, script = start, 0, start, None
    for words in range(4):
        word = _WORD.match(text, position)
        if word is None:
            break
        token = word.group(0)
        caseless = token[0].upper() == token[0].lower()
        folded = token.casefold()
        if folded in _STOPWORDS or (folded[0] == "و" and folded[1:] in _STOPWORDS) or script not in (None, caseless):
            break  # a function word, or Arabic after a Latin name: the name is over
        script = caseless
        if token[0].isupper() or caseless:
            capitals += 1
            end = word.end()
        elif not (token.casefold() in _PARTICLES and capitals):
            if tier != "strong" or capitals or words >= 2:
                break
            end = word.end()  # a name typed in lower case
        gap = _GAP.match(text, word.end())
        if gap is None:
            break
        position = gap.end()
    if (tier == "cased" and capitals < 1) or (tier == "weak" and capitals < 2):
        return start
    return end


def _thai_name_end(text: str, start: int) -> int:
    """A Thai name: the run after the cue and, unless a verb follows, the surname after a space."""
    end = start
    for index, chunk in enumerate(_THAI_RUN.finditer(text, start)):
        word = chunk.group(0)
        if index == 2 or (index and (chunk.start() != end + 1 or word.startswith(_THAI_STOPS))):
            break
        stripped = word
        for particle in _THAI_PARTICLES:
            stripped = stripped.removesuffix(particle)
        end = chunk.start() + len(stripped)
        if stripped != word:
            break
    return end


#: Finders in order of precedence, each with the label that replaces what it finds.
_FINDERS: tuple[tuple[Callable[[str], Iterator[Span]], str], ...] = (
    (_hetus, "[henkilötunnus]"),
    (_all(_EMAIL), "[e-mail]"),
    (_all(_OBFUSCATED_EMAIL), "[e-mail]"),
    (_ibans, "[IBAN]"),
    (_phones, "[phone]"),
    (_postal_towns, "[address]"),
    (_all(_ADDRESS), "[address]"),
    (_names, "[name]"),
)


def redact(text: str, keep: Collection[str] = ()) -> str:
    """``text`` with personal data replaced; the public facts in ``keep`` stay as written."""
    masked = text
    found: list[tuple[int, int, str]] = []
    # A public fact stays only where it is all that was found: the emergency number 112 or the
    # year 2020 inside a user's phone number "045 1122 334", "040 2020 551" does not keep it.
    facts = [match.span() for fact in keep if fact for match in re.finditer(re.escape(fact), text)]

    def take(spans: list[Span], label: str | None) -> str:
        """``masked`` with ``spans`` (those not over text already taken, nor a public fact) masked too."""
        pieces, position = [], 0
        for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
            public = any(first <= start and end <= last for first, last in facts)
            if start < position or _MASK in masked[start:end] or public:
                continue
            pieces += [masked[position:start], _MASK * (end - start)]
            position = end
            if label:
                found.append((start, end, label))
        return "".join([*pieces, masked[position:]])

    masked = take([match.span() for match in _NOT_PERSONAL.finditer(masked)], None)
    for finder, label in _FINDERS:
        masked = take(list(finder(masked)), label)
    pieces, position = [], 0
    for start, end, label in sorted(found):
        pieces += [text[position:start], label]
        position = end
    return "".join([*pieces, text[position:]])


def pseudonym(user_id: int | str, secret: bytes) -> str:
    """A stable key for a user that cannot be turned back into their id without the secret."""
    return hmac.new(secret, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]
