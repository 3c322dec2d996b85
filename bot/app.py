"""The one wiring point: every entry point (``opastin`` commands, the bot, the console, the
benchmarks) builds Opastin's parts here, each once, from the settings and a project tree.

``load_core`` reads the project's files into a Core; ``Services.from_settings(settings, root)``
gives the store, the (reloading) core, the handoff, the mail settings and voice messages, built
on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path

from .core import Core
from .errors import ConfigError
from .handoff import Handoff, OfficeHours
from .mail import MailSettings
from .mt.argos import ArgosTranslator
from .mt.models import installed_models
from .nlu import NLU, FallbackRule
from .nlu.embedded import IntentClassifier
from .nlu.entries import EntryChooser
from .nlu.language import LanguageDetector
from .nlu.rasa import RasaRanker
from .paths import SHIPPED_VECTORS, cache_dir, project_root
from .project import load_project
from .project.config import Config
from .project.intents import Example
from .project.knowledge import Knowledge
from .project.texts import load_staff_texts
from .reload import LiveCore
from .settings import Settings
from .speech import Voice, build_voice
from .store import DATABASE_FILE, Store

#: config.yml's ``opastin: nlu_backend``: the embedded classifier, or a Rasa server in front of it.
BACKENDS = ("embedded", "rasa")


def build_nlu(
    knowledge: Knowledge,
    config: Config,
    examples: Sequence[Example],
    cache: Path,
    environ: Mapping[str, str],
) -> NLU:
    """The pipeline config.yml describes, trained on ``examples`` (or loaded from ``cache``).

    With ``nlu_backend: rasa`` a Rasa server ranks and finds the municipality, and the embedded
    classifier answers whenever it cannot; its token comes from ``environ``.
    """
    detector = LanguageDetector(knowledge, config.component("LanguageDetector", LanguageDetector.defaults))
    classifier = IntentClassifier(
        knowledge,
        config.component("CountVectorsFeaturizer", IntentClassifier.featurizer_defaults),
        config.component("LogisticRegressionClassifier", IntentClassifier.classifier_defaults),
        config.component("E5EmbeddingClassifier", IntentClassifier.embedding_defaults),
        cache,
        SHIPPED_VECTORS,
    )
    fallback = FallbackRule(**config.component("FallbackClassifier", FallbackRule.defaults))
    classifier.load_or_train(examples, cache)
    detector.domain = classifier.language  # the examples' model of how each language is written
    chooser = EntryChooser(knowledge, classifier.embedder, classifier.prepare) if classifier.embedder else None
    backend = str((config.raw.get("opastin") or {}).get("nlu_backend", "embedded"))
    if backend == "rasa":
        rasa = RasaRanker.from_config(config, classifier, knowledge, environ)
        return NLU(knowledge, detector, rasa, fallback, rasa.municipality, chooser)
    if backend != "embedded":
        raise ConfigError(f"{config.path}: opastin: nlu_backend is '{backend}'; it can be 'embedded' or 'rasa'.")
    return NLU(knowledge, detector, classifier, fallback, chooser=chooser)


def load_core(
    root: Path | None = None,
    *,
    models_dir: Path | None = None,
    environ: Mapping[str, str] | None = None,
    cache: Path | None = None,
    today: Callable[[], date] = date.today,
) -> Core:
    """The core of the project at ``root`` (config.yml, knowledge/, intents/, translations/;
    default: ``paths.project_root()``).

    Machine translation comes in when ``models_dir`` holds a model; trained models are cached in
    ``cache`` (default: ``paths.cache_dir()``); ``environ`` holds the Rasa token if config.yml
    asks for Rasa.
    """
    project = load_project(root or project_root())
    nlu = build_nlu(project.knowledge, project.config, project.examples, cache or cache_dir(), environ or {})
    translator = None
    if models_dir is not None and installed_models(models_dir):
        translator = ArgosTranslator(models_dir, project.knowledge.proper_names)
    return Core(
        project.knowledge, project.texts, nlu, project.translations, translator, today=today, steering=project.steering
    )


def office_hours(settings: Settings) -> OfficeHours | None:
    """OPASTIN_OFFICE_HOURS parsed; a wrong value is a ConfigError saying what is expected."""
    try:
        return OfficeHours.parse(settings.office_hours) if settings.office_hours else None
    except ValueError as error:
        raise ConfigError(f"OPASTIN_OFFICE_HOURS: {error}, e.g. mon-fri 9-15.") from error


class Services:
    """Everything the entry points share, each part built once, on first use.

    Tests and benchmarks hand in a ready ``cores`` (any callable giving the current Core),
    ``store`` and ``voice``; otherwise they come from the settings.
    """

    def __init__(
        self,
        settings: Settings,
        root: Path,
        *,
        cores: Callable[[], Core] | None = None,
        store: Store | None = None,
        voice: Voice | None = None,
    ) -> None:
        self.settings = settings
        self.root = root
        self._cores = cores
        self._store = store
        self._voice = voice

    @classmethod
    def from_settings(cls, settings: Settings, root: Path | None = None) -> Services:
        """The services of the project at ``root`` (default: OPASTIN_HOME, else this checkout)."""
        return cls(settings, root or project_root())

    def load_core(self) -> Core:
        """A new core from the project's files as they are now."""
        return load_core(self.root, models_dir=self.settings.models_dir, environ=self.settings.environ)

    @property
    def cores(self) -> Callable[[], Core]:
        """The current core: reloaded in the background after the project's files change."""
        if self._cores is None:
            self._cores = LiveCore(self.load_core, self.root)
        return self._cores

    def request_reload(self) -> None:
        """Reload the core from the files in the background (on SIGHUP)."""
        cores = self.cores
        if isinstance(cores, LiveCore):
            cores.request_reload()

    @property
    def store(self) -> Store:
        """The SQLite store in the data dir."""
        if self._store is None:
            settings = self.settings
            self._store = Store(
                settings.data_dir / DATABASE_FILE,
                settings.retention_days,
                ticket_retention_days=settings.ticket_retention_days,
                context_minutes=settings.context_minutes,
            )
        return self._store

    @cached_property
    def mail(self) -> MailSettings | None:
        """The SMTP settings; None when no SMTP server is set (mail is off)."""
        return MailSettings.from_env(self.settings.environ)

    @cached_property
    def handoff(self) -> Handoff:
        """Tickets to staff and the council helper, with the office hours."""
        staff = load_staff_texts(self.root / "translations" / "staff", self.settings.staff_language)
        return Handoff(self.cores, self.store, self.cores().translator, staff, office_hours(self.settings))

    @property
    def voice(self) -> Voice:
        """Voice messages and spoken answers: the installed speech model (loaded by the first
        voice message, not here) and espeak-ng."""
        if self._voice is None:
            self._voice = build_voice(self.cores, self.settings.speech_dir)
        return self._voice
