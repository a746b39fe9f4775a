"""Copy the curated OpenMoji symbols into easyread_assets/symbols (dev only).

Usage::

    python tools/curate_symbols.py [OPENMOJI_PACKAGE_DIR] [--names FILE]

OPENMOJI_PACKAGE_DIR is an unpacked ``openmoji`` npm package (default
/tmp/om/package). The script copies the colour and black SVG of every symbol
in ``SYMBOLS`` below, writes ``index.json`` and copies OpenMoji's licence.
``--names`` takes a ``name: meaning`` list and fails if a name is not mapped.

To add a symbol: add one line to ``SYMBOLS`` and run the script again, then
run tools/render_symbols.py to make the PNG copy.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import xml.etree.ElementTree as ET  # noqa: S405 - parses only trusted OpenMoji files, DOCTYPE refused
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "easyread_assets" / "symbols"
DEFAULT_PACKAGE = Path("/tmp/om/package")  # noqa: S108 - only a default, read-only
SOURCE = "OpenMoji 17.0.0"
LICENCE = "CC BY-SA 4.0"
CREDIT = "Symbols: OpenMoji (openmoji.org), CC BY-SA 4.0"
MAX_KEYWORDS = 12
SVG_NS = "{http://www.w3.org/2000/svg}"

# name -> (OpenMoji hexcode, label used as alt text, our own keywords).
# Chosen by looking at each picture: faces for feelings, plain objects where
# possible, default (non skin-tone) emoji only. No two names share a picture, and each
# name has one meaning (MEANINGS): a picture means one thing across the product.
SYMBOLS: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "happy": ("1F600", "Happy face", ("happy", "smile", "good", "glad")),
    "ok": ("1F610", "OK face", ("ok", "okay", "alright", "neutral", "so-so")),
    "sad": ("2639", "Sad face", ("sad", "unhappy", "bad", "upset")),
    # Added in issue 12 for the 5-face scale: very happy, happy, OK, sad, very sad.
    "very_happy": ("1F606", "Very happy, a laughing face", ("very happy", "delighted", "great", "laughing")),
    "very_sad": ("1F622", "Very sad, a crying face", ("very sad", "crying", "awful", "terrible")),
    "yes": ("2714", "Yes, a tick", ("yes", "agree", "tick", "right")),
    "no": ("2716", "No, a cross", ("no", "disagree", "cross", "wrong")),
    "not_sure": ("1F914", "Not sure, thinking face", ("not sure", "unsure", "maybe", "thinking")),
    "dont_know": ("1F937", "I don't know, person shrugging", ("don't know", "dont know", "shrug")),
    "dont_want_to_say": (
        "1F910",
        "I don't want to say, zipped mouth",
        ("don't want to say", "private", "secret", "quiet"),
    ),
    # Added in issue 12: "This does not happen to me", a question that is not part of this
    # person's life (kept apart from "I don't know" and from a skip).
    "does_not_apply": (
        "1FAE5",
        "This does not happen to me, a face drawn with dashes",
        ("does not apply", "not for me", "not part of my life", "not me"),
    ),
    "skip": ("23ED", "Skip this question", ("skip", "next question", "miss out", "pass")),
    "speaker": ("1F50A", "Speaker, read it to me", ("speaker", "listen", "read aloud", "sound", "audio")),
    "back": ("2B05", "Go back, arrow pointing left", ("back", "previous", "left")),
    "next": ("27A1", "Next, arrow pointing right", ("next", "continue", "forward", "right")),
    "stop": ("1F6D1", "Stop sign", ("stop", "end", "finish")),
    "start": ("25B6", "Start, play button", ("start", "go", "begin", "play")),
    "home": ("1F3E0", "Home, a house", ("home", "house", "where I live")),
    "bedroom": ("1F6CF", "Bedroom, a bed", ("bedroom", "bed", "room")),
    "kitchen": ("1F373", "Kitchen, frying pan", ("kitchen", "cooking", "pan")),
    "food": ("1F37D", "Food, plate with knife and fork", ("food", "meal", "eat", "dinner")),
    "drink": ("2615", "Drink, cup of tea", ("drink", "tea", "coffee", "cup")),
    "friends": ("1F9D1-200D-1F91D-200D-1F9D1", "Friends holding hands", ("friends", "friend", "together")),
    "family": ("1F46A", "Family", ("family", "parents", "relatives")),
    "person": ("1F9D1", "One person", ("person", "me", "someone")),
    "people": ("1F465", "A group of people", ("people", "group", "everyone")),
    "staff": ("1FAAA", "Staff, an identity card", ("staff", "support worker", "carer", "worker")),
    "manager": ("1F9D1-200D-1F4BC", "Manager in an office", ("manager", "boss", "office")),
    "team": ("E249", "Team working together", ("team", "together", "working together")),
    "talk": ("E24A", "Talking, speech bubbles", ("talk", "say", "speak", "chat")),
    "choice": ("1F449", "Choice, hand pointing", ("choice", "choose", "pick")),
    "question": ("2753", "Question mark", ("question", "ask")),
    "information": ("2139", "Information", ("information", "info", "about")),
    "help": ("1F64B", "Help, person raising a hand", ("help", "helper", "ask for help")),
    "helped_by": ("1FAF4", "Someone helped me, a hand held out", ("helped", "helper", "with help")),
    "alone": ("1F9CD", "On my own, one person standing", ("alone", "on my own", "by myself")),
    "room": ("1F6AA", "Who was in the room, a door", ("room", "door", "in the room")),
    "kind": ("1FAF6", "Kind, hands making a heart", ("kind", "caring", "care")),
    "love": ("2764", "Love, red heart", ("love", "heart", "like")),
    "safe": ("E247", "Safe, shield with a tick", ("safe", "safety", "protected")),
    "scared": ("1F628", "Scared face", ("scared", "afraid", "frightened", "fear")),
    "hurt": ("1F915", "Hurt face with a bandage", ("hurt", "pain", "injured")),
    "angry": ("1F620", "Angry face", ("angry", "cross", "mad")),
    "worried": ("1F630", "Worried face", ("worried", "anxious", "nervous")),
    "doctor": ("1F9D1-200D-2695-FE0F", "Doctor with a stethoscope", ("doctor", "gp", "health")),
    "nurse": ("E302", "Nurse", ("nurse", "health worker")),
    "medicine": ("1F48A", "Medicine, a pill", ("medicine", "tablets", "pills")),
    "hospital": ("1F3E5", "Hospital", ("hospital",)),
    "dentist": ("1F9B7", "Dentist, a tooth", ("dentist", "tooth", "teeth")),
    "health": ("1FA7A", "Health, a stethoscope", ("health", "check-up", "well")),
    "exercise": ("1F3C3", "Exercise, person running", ("exercise", "run", "fitness")),
    "money": ("1F4B7", "Money, a pound note", ("money", "cash", "pounds", "pay")),
    "shop": ("1F6D2", "Shopping trolley", ("shop", "shopping", "trolley")),
    "bus": ("1F68C", "Bus", ("bus", "transport")),
    "car": ("1F697", "Car", ("car", "transport", "drive")),
    "travel": ("2708", "Travel, an aeroplane", ("travel", "holiday", "aeroplane", "plane")),
    "work": ("1F4BC", "Work, a briefcase", ("work", "job", "briefcase")),
    "learn": ("1F4DA", "Learning, books", ("learn", "college", "books", "study")),
    "music": ("1F3B5", "Music", ("music", "song", "listen")),
    "tv": ("1F4FA", "Television", ("tv", "television", "watch")),
    "film": ("1F3AC", "Film, clapper board", ("film", "cinema", "movie")),
    "sport": ("26BD", "Sport, football", ("sport", "football", "game")),
    "swim": ("1F3CA", "Swimming", ("swim", "swimming", "pool")),
    "walk": ("1F6B6", "Going for a walk", ("walk", "going out", "walking")),
    "park": ("1F333", "Park, a tree", ("park", "outdoors", "tree", "outside")),
    "art": ("1F3A8", "Art, paint palette", ("art", "painting", "drawing")),
    "cook": ("1F9D1-200D-1F373", "Cooking, person in a chef's hat", ("cook", "cooking", "chef")),
    "garden": ("1FAB4", "Gardening, plant in a pot", ("garden", "gardening", "plant")),
    "animal": ("1F415", "Animals, a dog", ("animal", "pet", "dog")),
    "phone": ("260E", "Telephone", ("phone", "telephone", "call")),
    "computer": ("1F5A5", "Computer", ("computer", "internet", "online")),
    "tablet": ("E1CC", "Tablet", ("tablet", "ipad", "device")),
    "letter": ("2709", "Letter, an envelope", ("letter", "post", "mail", "envelope")),
    "complain": ("1F4E3", "Complaint, a megaphone", ("complain", "complaint", "speak up")),
    "meeting": ("E246", "Meeting, people talking", ("meeting", "discussion", "talk")),
    "plan": ("1F4CB", "My support plan, a clipboard", ("plan", "support plan", "clipboard")),
    "rules": ("1F4D1", "Rules, papers with writing", ("rules", "paperwork", "document")),
    "calendar": ("1F4C5", "Calendar", ("calendar", "date", "day")),
    "time": ("23F0", "Time, a clock", ("time", "clock", "when")),
    "clean": ("1F9F9", "Cleaning, a broom", ("clean", "cleaning", "tidy", "broom")),
    "clothes": ("1F455", "Clothes, a T-shirt", ("clothes", "shirt", "dressing")),
    "bath": ("1F6C1", "Bath, personal care", ("bath", "shower", "wash", "personal care")),
    "sleep": ("1F634", "Sleep, sleeping face", ("sleep", "rest", "tired", "bed")),
    "party": ("1F389", "Party popper", ("party", "celebrate", "celebration")),
    "religion": ("1F6D0", "Place of worship", ("religion", "faith", "worship", "pray")),
    "idea": ("1F4A1", "Idea, a light bulb", ("idea", "suggestion", "think")),
    "thinking": ("1F4AD", "Thinking, thought bubble", ("thinking", "think", "thought")),
    "private": ("1F512", "Private, a lock", ("private", "privacy", "locked", "secret")),
    "key": ("1F511", "Key", ("key", "front door", "own key")),
    "training": ("1F9D1-200D-1F3EB", "Training, a teacher", ("training", "course", "teacher")),
    "star": ("2B50", "Star, something good", ("star", "good", "best")),
    "thumbs_up": ("1F44D", "Thumbs up, good", ("thumbs up", "good", "like")),
    "thumbs_down": ("1F44E", "Thumbs down, bad", ("thumbs down", "bad", "dislike")),
    "tick": ("2611", "Chosen, a box with a tick", ("tick", "done", "chosen", "check")),
    "settings": ("2699", "Settings, a gear wheel", ("settings", "options", "change")),
    "text_size": ("1F50D", "Bigger text, magnifying glass", ("text size", "bigger", "zoom", "magnify")),
    "contrast": (
        "25D0",
        "High contrast, black and white circle",
        ("contrast", "high contrast", "black and white"),
    ),
    "picture": ("1F5BC", "Pictures, a framed picture", ("picture", "pictures", "image", "photo")),
    "language": ("1F310", "Language, a globe", ("language", "translate", "world")),
    "thank_you": ("1F64F", "Thank you, folded hands", ("thank you", "thanks", "please")),
    "finish": ("1F3C1", "Finished, chequered flag", ("finish", "finished", "end", "done")),
    "write": ("1F4DD", "Write something, paper and pencil", ("write", "note", "pencil", "type")),
    "support": ("1F91D", "My support, handshake", ("support", "help", "together")),
    "choose_activity": (
        "1F388",
        "Doing things you enjoy, a balloon",
        ("activity", "activities", "fun", "enjoy"),
    ),
    "wheelchair": (
        "267F",
        "Accessible, wheelchair sign",
        ("wheelchair", "accessible", "access", "disability"),
    ),
    "change": ("1F504", "Things changing, arrows in a circle", ("change", "changing", "different")),
    "listen": ("1F442", "Listening, an ear", ("listen", "staff listen", "heard", "hear", "ear")),
    "praise": ("1F44F", "Well done, clapping hands", ("well done", "praise", "clap")),
    "warning": ("26A0", "Something worried me, warning sign", ("warning", "worry", "danger", "problem")),
    "eye": ("1F441", "Seeing, an eye", ("eye", "see", "saw", "look")),
    "camera": ("1F4F7", "Camera, photo", ("camera", "photo", "picture")),
    "sign": ("270D", "Signature, hand writing", ("sign", "signature", "write")),
    # Added in issue 10 so that each picture means one thing (see MEANINGS below).
    "someone_else": ("1F464", "Someone else, a grey outline of a person", ("someone else", "other person")),
    "calm": ("1F54A", "Calm ways first, a dove", ("calm", "peace", "gentle ways", "restraint")),
    "partly": ("1F90F", "Partly, a hand showing a little", ("partly", "a bit", "some")),
    "no_people": ("1F3DE", "Places and things, no people", ("no people", "places", "things", "photo rules")),
    "not_allowed": ("26D4", "Not allowed, no entry sign", ("not allowed", "no entry", "forbidden")),
    "service": ("1F4CD", "A service, a pin on a map", ("service", "place", "where")),
    "friendly": ("1F917", "Friendly, a face with open hands", ("friendly", "welcome", "warm")),
    "news": ("1F4F0", "News, a newspaper", ("news", "tell", "informed")),
    "autoplay": (
        "1F4E2",
        "Read each question out by itself, a loudspeaker",
        ("autoplay", "read out", "play"),
    ),
    "no_news": ("1F4ED", "No news, an empty post box", ("no news", "nothing", "they don't")),
    "not_seen": ("1F648", "We did not see it, a monkey covering its eyes", ("not seen", "did not see")),
    "read": ("1F4D6", "Reading, an open book", ("read", "reading", "papers")),
    "print": ("1F5A8", "Print, a printer", ("print", "printer", "paper copy")),
    "statement": ("1F4C4", "What the provider says, a page of writing", ("statement", "provider says")),
    # Added in issue 14: a tablet without wifi, and the status of what it keeps.
    "wifi": ("E254", "Wifi", ("wifi", "internet", "network", "no wifi")),
    "saved": ("E25C", "Saved on this tablet", ("saved", "kept", "stored")),
    "sent": ("1F4E4", "Sent, an arrow leaving a tray", ("sent", "gone", "delivered")),
}

#: What each name means: one short phrase. A name is used for this one idea everywhere
#: (surveys, templates, Python tables); a different idea gets a different name and picture.
MEANINGS: dict[str, str] = {
    "happy": "Happy",
    "ok": "OK, in the middle",
    "sad": "Sad",
    "very_happy": "Very happy (the top of a 5-face scale)",
    "very_sad": "Very sad (the bottom of a 5-face scale)",
    "yes": "Yes (or On)",
    "no": "No (or Off)",
    "not_sure": "Not sure",
    "dont_know": "I don't know",
    "does_not_apply": "This does not happen to me (the question is not part of this person's life)",
    "dont_want_to_say": "I don't want to say",
    "skip": "Skip this question",
    "speaker": "Listen, read it aloud",
    "back": "Go back",
    "next": "Go on",
    "stop": "Stop answering",
    "start": "Start, or start again",
    "home": "Home, where you live",
    "bedroom": "A bedroom",
    "kitchen": "A kitchen",
    "food": "Food and meals",
    "drink": "Drinks",
    "friends": "Friends",
    "family": "Family",
    "person": "You, or the one person named",
    "people": "How many people, a group",
    "staff": "Staff who support people",
    "manager": "The manager, the people in charge",
    "team": "Together, with other people",
    "talk": "Talking with someone",
    "choice": "Choosing for yourself",
    "question": "A question, or something not clear",
    "information": "More about this, what it means",
    "help": "Help from someone",
    "helped_by": "Someone helped me answer",
    "alone": "Nobody else, on my own",
    "room": "A room and its door",
    "kind": "Kind and gentle",
    "love": "Love",
    "safe": "Safe",
    "scared": "Scared",
    "hurt": "Hurt",
    "angry": "Angry",
    "worried": "Something worries us",
    "doctor": "A doctor",
    "nurse": "A nurse, first aid",
    "medicine": "Medicine",
    "hospital": "A hospital",
    "dentist": "A dentist",
    "health": "Staying healthy",
    "exercise": "Exercise",
    "money": "Money",
    "shop": "Shopping",
    "bus": "A bus",
    "car": "A car",
    "travel": "Travel and holidays",
    "work": "Work, a job",
    "learn": "Learning, college",
    "music": "Music",
    "tv": "Television",
    "film": "Films",
    "sport": "Sport",
    "swim": "Swimming",
    "walk": "Going out",
    "park": "A park, outdoors",
    "art": "Art",
    "cook": "Cooking",
    "garden": "Gardening",
    "animal": "Animals and pets",
    "phone": "A phone call",
    "computer": "A computer, email",
    "tablet": "The tablet, giving it to someone",
    "letter": "A letter or message",
    "complain": "Complain, speak up about a problem",
    "meeting": "A meeting to talk",
    "plan": "A plan",
    "rules": "Rules and paperwork",
    "calendar": "A day or date",
    "time": "Time",
    "clean": "Clean",
    "clothes": "Clothes",
    "bath": "Washing, personal care",
    "sleep": "Sleep",
    "party": "A party",
    "religion": "Faith and worship",
    "idea": "Ideas to make things better",
    "thinking": "What we think, checking",
    "private": "Kept private",
    "key": "Signing in, a password or PIN",
    "training": "Training",
    "star": "Something good, done well",
    "thumbs_up": "We agree",
    "thumbs_down": "We disagree",
    "tick": "Chosen, done",
    "settings": "Change how it looks or sounds",
    "text_size": "Size of the words",
    "contrast": "Black and white look",
    "picture": "Pictures on or off",
    "language": "Language",
    "thank_you": "Thank you",
    "finish": "Finish the visit",
    "write": "Writing words, a note",
    "support": "Support a person gets",
    "choose_activity": "Doing things you enjoy",
    "wheelchair": "Wheelchair access",
    "change": "Change something",
    "listen": "Listening to people",
    "praise": "Well done",
    "warning": "Warning, something needs attention",
    "eye": "Seeing, looking",
    "camera": "Photos",
    "sign": "Signing, final after that",
    "someone_else": "Someone else",
    "calm": "Calm ways first, before holding or locking",
    "partly": "We partly agree",
    "no_people": "Photos of places and things only, no people",
    "not_allowed": "Not allowed",
    "service": "A service, a place",
    "friendly": "Friendly and welcoming",
    "news": "Being told news",
    "autoplay": "Read each question out by itself",
    "no_news": "No news, they don't tell me",
    "not_seen": "We did not see it",
    "read": "We read it",
    "print": "Print",
    "statement": "What the provider says about itself",
    "wifi": "Wifi, the network (getting ready for none)",
    "saved": "Saved on this tablet, not sent yet",
    "sent": "Sent: the answers reached EasyVoice",
}

#: Buttons and marks that work the pages. Never a question's or an answer's picture.
CONTROLS = frozenset(
    {
        "back",
        "next",
        "stop",
        "start",
        "skip",
        "dont_know",
        "dont_want_to_say",
        "speaker",
        "tick",
        "settings",
        "text_size",
        "contrast",
        "picture",
        "language",
        "autoplay",
        "information",
        "print",
        "saved",
        "sent",
    }
)
#: Signs that mark a kind of message (many different messages): never a question's or an answer's.
NOTICES = frozenset({"warning"})

#: Colours changed from OpenMoji's: name -> {old fill: new fill}. Yes and no must carry no
#: judgement colour (a reversed question makes "yes" the bad answer), so both are the same blue.
NEUTRAL_BLUE = "#92d3f5"
RECOLOUR: dict[str, dict[str, str]] = {
    "yes": {"#b1cc33": NEUTRAL_BLUE},
    "no": {"#D0CFCE": NEUTRAL_BLUE},
}
#: Pictures whose meaning is in a dark filled shape (a black screen, the dark half of a circle)
#: that OpenMoji's black version draws as an empty outline. Their black-and-white version is
#: made from the colour one instead: dark fills black, light fills white (tests/test_symbol_meanings.py
#: checks every black version keeps the colour version's dark shapes).
BLACK_FROM_COLOUR = frozenset({"information", "contrast", "tablet", "tv", "room", "film"})
_COLOUR_ATTR = re.compile(r'\b(fill|stroke)="(#[0-9A-Fa-f]{3}|#[0-9A-Fa-f]{6})"')


def black_and_white(svg: str) -> str:
    """The colour SVG with every fill and stroke colour made pure black (dark) or white (light)."""

    def pick(match: re.Match[str]) -> str:
        hex_ = match.group(2)[1:]
        if len(hex_) == 3:
            hex_ = "".join(c * 2 for c in hex_)
        r, g, b = (int(hex_[i : i + 2], 16) for i in (0, 2, 4))
        dark = 0.299 * r + 0.587 * g + 0.114 * b < 110
        return f'{match.group(1)}="{"#000000" if dark else "#ffffff"}"'

    return _COLOUR_ATTR.sub(pick, svg)


# OpenMoji/CLDR words that would mislead a search or are slang, colours of the
# drawing, or drawing terms ("button", "track"). Our own keywords are never filtered.
_NOISE = frozenset(
    """
    a an and the of with in on to for at face button track scene cardinal west east past future soon
    head human body hand person people man woman boy female male european white red blue black yellow
    green cold over side sunny easy simple settle country ranch suburban suburbia small planet far away
    bae bestie bff flirt dating couple jealous witch whatever nope tbt idk dunno ignorance blame shade
    feels eek deja major isometric fantasy handicap awkward deadpan selfie snap collab phablet maddening
    overthinking hmm ponder sms bill billion tada woohoo hooray bow beg good bad analog leather metal
    wood silver clip board heavy tilted backhand index anticlockwise counterclockwise octagonal
    twins who knows cmon five rewindershins yikes users humans two one medium lab detective here know
    you pick architect modern cut action recording considerate open mouth place unhappy straight keep
    """.split()
)
_NOISE_PHRASES = frozenset({"poker face", "golf clap", "small planet", "far away", "thumbs down sign"})
_WORD_RE = re.compile(r"^[a-z][a-z' -]*[a-z]$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")


def _useful(word: str) -> bool:
    """Keep OpenMoji words that are plain, at least 3 letters and not noise."""
    return (
        len(word) >= 3
        and bool(_WORD_RE.match(word))
        and word not in _NOISE_PHRASES
        and not any(part in _NOISE for part in word.split())
    )


def keywords_for(own: tuple[str, ...], entry: dict[str, str]) -> list[str]:
    """Own keywords first, then useful words from OpenMoji's annotation and tags."""
    found: list[str] = [k.lower() for k in own]
    words = re.findall(r"[a-z][a-z'-]+", entry["annotation"].lower())
    for field in ("openmoji_tags", "tags"):
        words += [t.strip().lower() for t in entry.get(field, "").split(",") if t.strip()]
    for word in words:
        if _useful(word) and word not in found and len(found) < MAX_KEYWORDS:
            found.append(word)
    return found


def clean_svg(text: str, source: str) -> str:
    """Remove XML comments and <metadata>, and make sure the SVG has a viewBox.

    The OpenMoji files are otherwise kept byte for byte, so updates diff cleanly.
    """
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        # Entities are the only thing that makes parsing XML unsafe; refuse them.
        raise ValueError(f"{source}: DOCTYPE/ENTITY not allowed")
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    text = re.sub(r"<metadata\b.*?(</metadata>|/>)", "", text, flags=re.DOTALL)
    root = ET.fromstring(text)  # noqa: S314 - trusted input, DOCTYPE refused above
    if root.tag != f"{SVG_NS}svg":
        raise ValueError(f"{source}: root element is {root.tag}, not svg")
    if "viewBox" not in root.attrib:
        width, height = root.get("width", ""), root.get("height", "")
        if not (width.isdigit() and height.isdigit()):
            raise ValueError(f"{source}: no viewBox and no plain width/height")
        text = text.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1)
    return text


def curate(package: Path, out_dir: Path = OUT_DIR) -> dict[str, object]:
    """Copy every mapped symbol from ``package`` into ``out_dir``; return the index."""
    meta = json.loads((package / "data" / "openmoji.json").read_text(encoding="utf-8"))
    by_hex = {entry["hexcode"]: entry for entry in meta}
    (out_dir / "svg").mkdir(parents=True, exist_ok=True)
    (out_dir / "black").mkdir(parents=True, exist_ok=True)

    if set(MEANINGS) != set(SYMBOLS):
        raise ValueError(f"meanings and symbols differ: {sorted(set(MEANINGS) ^ set(SYMBOLS))}")
    hexcodes = [hexcode for hexcode, _label, _own in SYMBOLS.values()]
    if len(set(hexcodes)) != len(hexcodes):
        raise ValueError("two names share one OpenMoji picture")
    symbols: dict[str, dict[str, object]] = {}
    for name, (hexcode, label, own) in SYMBOLS.items():
        if not _NAME_RE.match(name):
            raise ValueError(f"bad symbol name {name!r}")
        entry = by_hex.get(hexcode)
        if entry is None:
            raise ValueError(f"{name}: hexcode {hexcode} is not in OpenMoji")
        if entry.get("skintone"):
            raise ValueError(f"{name}: {hexcode} is a skin-tone variant")
        for variant in ("color", "black"):
            if variant == "black" and name in BLACK_FROM_COLOUR:
                text = black_and_white((out_dir / "svg" / f"{name}.svg").read_text(encoding="utf-8"))
                (out_dir / "black" / f"{name}.svg").write_text(text, encoding="utf-8")
                continue
            src = package / variant / "svg" / f"{hexcode}.svg"
            text = clean_svg(src.read_text(encoding="utf-8"), str(src))
            if variant == "color":
                for old, new in RECOLOUR.get(name, {}).items():
                    if f'fill="{old}"' not in text:
                        raise ValueError(f"{name}: colour {old} not in {src}")
                    text = text.replace(f'fill="{old}"', f'fill="{new}"')
            dest_dir = "svg" if variant == "color" else "black"
            (out_dir / dest_dir / f"{name}.svg").write_text(text, encoding="utf-8")
        symbols[name] = {
            "file": f"{name}.svg",
            "hexcode": hexcode,
            "label": label,
            "meaning": MEANINGS[name],
            "kind": "control" if name in CONTROLS else "notice" if name in NOTICES else "picture",
            "keywords": keywords_for(own, entry),
        }

    # Drop files of symbols that were removed from the mapping.
    for sub in ("svg", "black"):
        for stale in (out_dir / sub).glob("*.svg"):
            if stale.stem not in SYMBOLS:
                stale.unlink()

    index: dict[str, object] = {"source": SOURCE, "licence": LICENCE, "credit": CREDIT, "symbols": symbols}
    text = json.dumps(index, indent=2, ensure_ascii=False) + "\n"
    (out_dir / "index.json").write_text(text, encoding="utf-8")
    shutil.copyfile(package / "LICENSE.txt", out_dir / "LICENSE.txt")
    return index


def missing_names(names_file: Path) -> list[str]:
    """Names listed in a ``name: meaning`` file that have no mapping."""
    wanted = []
    for line in names_file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#") and ":" in line:
            wanted.append(line.split(":", 1)[0].strip())
    return [name for name in wanted if name not in SYMBOLS]


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, default=DEFAULT_PACKAGE)
    parser.add_argument("--names", type=Path, help="name: meaning list every name of which must be mapped")
    args = parser.parse_args(argv)
    if args.names:
        missing = missing_names(args.names)
        if missing:
            print("not mapped:", ", ".join(missing), file=sys.stderr)
            return 1
    index = curate(args.package)
    print(f"wrote {len(index['symbols'])} symbols to {OUT_DIR}")  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
