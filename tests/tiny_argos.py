"""Tiny real Argos Translate models for tests: built in about a second, no network, no torch.

A model is a genuine ``.argosmodel`` (zip of metadata.json, a SentencePiece model and a
CTranslate2 Transformer), so tests exercise argostranslate's own loading, sentence splitting,
tokenizing, beam search and decoding. Only the weights are set by hand, so that the output is
known: the copy model gives back its input exactly, the uppercase model its input in capitals.

How the hand-set Transformer copies. The model width is ``vocabulary + positions``: one
dimension per token, one per position. The encoder has no layers; its output at source position
``s`` is (the normalized) ``token(s) + position(s)``. The decoder's token embeddings are zero,
so at step ``t`` it only knows its position ``t``. Its one cross-attention layer compares the
decoder position with the source positions (query and key read only the position dimensions),
so step ``t`` attends to source position ``t`` alone, reads that token (the value reads only the
token dimensions) and writes it, or its uppercase form, where the output projection sees it.
The source ends with ``</s>`` (``add_source_eos``), so the copy ends there too, and steps past
the end read that ``</s>`` (see ``_copy_transformer``), so no beam runs on. Self-attention
and feed-forward weights are zero: with the residual connections they pass everything through.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import ctranslate2  # type: ignore[import-untyped]
import numpy as np
import sentencepiece as spm

#: Longest sentence, in tokens, the models can copy (their learned position table's length).
MAX_TOKENS = 384
#: How much sharper than plain dot products the decoder's attention is: every step must see one
#: source position only, or the copy would blend neighbouring tokens.
ATTENTION_SHARPNESS = 4.0

_NAMES = {"fi": "Finnish", "en": "English", "sv": "Swedish", "ru": "Russian", "so": "Somali"}

#: What the tokenizer learns from: every character the tests use in both cases, the placeholder
#: shape, and words in the tests' languages so that SentencePiece forms multi-letter pieces as
#: real models do.
_TRAINING_LINES = (
    "abcdefghijklmnopqrstuvwxyzåäöéü ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖÉÜ",
    "0123456789 0 1 2 3 4 5 6 7 8 9 10 12 17 19 23 2026 358",
    ". , : ; ! ? - – — ( ) [ ] / \\ @ ' \" + # _ % & = * < > ~ € $ | ’ “ ” …",
    *(f"ZQX{number}XQZ on tässä ja ZQX{number}XQZ is here." for number in range(10)),
    "Tervetuloa Kajaaniin! Tapahtuma on torstaina klo 17–19 Kaukametsässä.",
    "Kajaani Info auttaa maahanmuuttajia. Soita numeroon tai lähetä sähköpostia.",
    "Kysy lisää osoitteesta https://www.kajaani.fi/ tai info@kajaani.fi.",
    "Welcome to Kajaani! The event is on Thursday from 17 to 19 at Kaukametsä.",
    "Kajaani Info helps immigrants. Call the number or send an e-mail.",
    "Välkommen till Kajana! Evenemanget är på torsdag i Kaukametsä.",
    "The library is open on weekdays. Bring your residence permit and passport.",
    "Kirjasto on auki arkisin. Ota mukaan oleskelulupa ja passi.",
    "Walk and Talk starts at the market square. Everyone is welcome.",
)


def build_copy_model(directory: Path, source: str, target: str, *, uppercase: bool = False) -> Path:
    """Build ``translate-<source>_<target>.argosmodel`` in ``directory`` and return its path.

    The model copies its input exactly; with ``uppercase`` it writes it in capitals instead
    (placeholders are capitals already, so they survive), which shows which model ran.
    """
    tokenizer = _train_tokenizer(uppercase)
    pieces = [tokenizer.id_to_piece(number) for number in range(tokenizer.get_piece_size())]
    package = f"translate-{source}_{target}-tiny"
    archive = directory / f"translate-{source}_{target}.argosmodel"
    metadata: dict[str, object] = {
        # Different versions let a translator tell the two models apart after a reinstall.
        "package_version": "1.0-uppercase" if uppercase else "1.0",
        "argos_version": "1.11",
        "from_code": source,
        "from_name": _NAMES.get(source, source),
        "to_code": target,
        "to_name": _NAMES.get(target, target),
        "type": "translate",
        "links": [],
    }
    with tempfile.TemporaryDirectory() as scratch, zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        _copy_transformer(pieces, uppercase).save(scratch)
        for file in sorted(Path(scratch).iterdir()):
            zipped.write(file, f"{package}/model/{file.name}")
        zipped.writestr(f"{package}/metadata.json", json.dumps(metadata))
        zipped.writestr(f"{package}/sentencepiece.model", tokenizer.serialized_model_proto())
    return archive


def _train_tokenizer(character_level: bool) -> spm.SentencePieceProcessor:
    """A SentencePiece model of the training lines; characters only when every piece must have an
    uppercase twin (multi-letter pieces do not reliably come in both cases)."""
    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter([*_TRAINING_LINES, *(line.upper() for line in _TRAINING_LINES)]),
        model_writer=model,
        model_type="char" if character_level else "unigram",
        vocab_size=200,
        hard_vocab_limit=False,
        character_coverage=1.0,
        # Keep every character as written: NFKC would turn "…" into "..." and break the copy.
        normalization_rule_name="identity",
        num_threads=1,
        minloglevel=2,
    )
    return spm.SentencePieceProcessor(model_proto=model.getvalue())


def _copy_transformer(pieces: list[str], uppercase: bool) -> ctranslate2.specs.TransformerSpec:
    """The hand-weighted Transformer described in the module docstring."""
    vocabulary = len(pieces)
    width = vocabulary + MAX_TOKENS
    tokens = slice(0, vocabulary)
    positions = slice(vocabulary, width)
    spec = ctranslate2.specs.TransformerSpec.from_config((1, 1), num_heads=1)
    spec.config.add_source_eos = True

    encoder = spec.encoder
    encoder.scale_embeddings = False
    encoder.embeddings[0].weight = _one_hot_rows(vocabulary, width, 0)
    encoder.position_encodings.encodings = _one_hot_rows(MAX_TOKENS, width, vocabulary)
    _unit_norm(encoder.layer_norm, width)
    _pass_through(encoder.layer[0], width)

    decoder = spec.decoder
    decoder.scale_embeddings = False
    decoder.embeddings.weight = np.zeros((vocabulary, width), dtype=np.float32)
    decoder.position_encodings.encodings = encoder.position_encodings.encodings
    _unit_norm(decoder.layer_norm, width)
    layer = decoder.layer[0]
    _pass_through(layer, width)

    cross = layer.attention
    _unit_norm(cross.layer_norm, width)
    query = np.zeros((width, width), dtype=np.float32)
    query[positions, positions] = ATTENTION_SHARPNESS * np.eye(MAX_TOKENS, dtype=np.float32)
    cross.linear[0].weight = query
    key_value = np.zeros((2 * width, width), dtype=np.float32)
    key_value[positions, positions] = np.eye(MAX_TOKENS, dtype=np.float32)
    # Every query also looks, half as hard, for the source's </s>: past the end of the source no
    # position matches and the step reads </s> and stops. Without it, the beams beam search
    # keeps besides the copy would run on to the length limit, slowly.
    end = pieces.index("</s>")
    key_value[end, end] = 1.0
    end_of_source = np.zeros(width, dtype=np.float32)
    end_of_source[end] = ATTENTION_SHARPNESS * np.sqrt(width) / 2  # a position match scores about twice this
    cross.linear[0].bias = end_of_source
    key_value[width : width + vocabulary, tokens] = np.eye(vocabulary, dtype=np.float32)
    cross.linear[1].weight = key_value
    written = [
        pieces.index(_capitals(piece)) if uppercase and _capitals(piece) in pieces else number
        for number, piece in enumerate(pieces)
    ]
    output = np.zeros((width, width), dtype=np.float32)
    output[written, range(vocabulary)] = 1.0
    cross.linear[2].weight = output

    decoder.projection.weight = _one_hot_rows(vocabulary, width, 0)
    spec.register_source_vocabulary(pieces)
    spec.register_target_vocabulary(pieces)
    spec.validate()
    spec.optimize(quantization="float32")
    return spec


def _capitals(piece: str) -> str:
    """The uppercase form of a piece, leaving SentencePiece's control pieces (``<s>``...) alone."""
    return piece if piece.startswith("<") and piece.endswith(">") else piece.upper()


def _one_hot_rows(count: int, width: int, first_column: int) -> np.ndarray:
    """``count`` rows of length ``width``; row ``i`` is 1 in column ``first_column + i``, else 0."""
    matrix = np.zeros((count, width), dtype=np.float32)
    matrix[:, first_column : first_column + count] = np.eye(count, dtype=np.float32)
    return matrix


def _pass_through(layer: ctranslate2.specs.model_spec.LayerSpec, width: int) -> None:
    """Zero self-attention and feed-forward weights: with the residual connections around them,
    the layer hands its input on unchanged (ctranslate2 needs at least one encoder layer)."""
    _unit_norm(layer.self_attention.layer_norm, width)
    layer.self_attention.linear[0].weight = np.zeros((3 * width, width), dtype=np.float32)
    layer.self_attention.linear[1].weight = np.zeros((width, width), dtype=np.float32)
    _unit_norm(layer.ffn.layer_norm, width)
    layer.ffn.linear_0.weight = np.zeros((1, width), dtype=np.float32)
    layer.ffn.linear_1.weight = np.zeros((width, 1), dtype=np.float32)


def _unit_norm(norm: ctranslate2.specs.common_spec.LayerNormSpec, width: int) -> None:
    """A layer norm that only normalizes: no learned scale or shift."""
    norm.gamma = np.ones(width, dtype=np.float32)
    norm.beta = np.zeros(width, dtype=np.float32)
