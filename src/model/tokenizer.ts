// A SentencePiece-style llama vocabulary (special tokens, 256 byte tokens, English pieces) for generated models.
import { gguf, type GgufWriteValue } from './gguf-writer.js';

/** llama_token_type in llama.cpp: how the vocab loader treats each token. */
export const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

export const UNK_ID = 0;
export const BOS_ID = 1;
export const EOS_ID = 2;
/** <unk>, <s>, </s> and the 256 byte tokens come before any normal piece. */
export const FIRST_NORMAL_ID = 3 + 256;

/** SentencePiece's word-boundary marker: a piece starting with it begins a word. */
const SPACE = '\u2581';

export interface Vocabulary {
  tokens: string[];
  scores: number[];
  tokenTypes: number[];
}

// Common English words, most frequent first, plus the words of this project's demo prompts; the
// pieces matter only so that ordinary prompts tokenize into word-sized tokens, as with a real model.
const WORDS = `the of and to a in is it you that he was for on are with as I his they be at one have this from
or had by hot word but what some we can out other were all there when up use your how said an each she which do
their time if will way about many then them write would like so these her long make thing see him two has look
more day could go come did number sound no most people my over know water than call first who may down side been
now find any new work part take get place made live where after back little only round man year came show every
good me give our under name very through just form sentence great think say help low line differ turn cause much
mean before move right boy old too same tell does set three want air well also play small end put home read hand
port large spell add even land here must big high such follow act why ask men change went light kind off need
house picture try us again animal point mother world near build self earth father head stand own page should
country found answer school grow study still learn plant cover food sun four between state keep eye never last
let thought city tree cross farm hard start might story saw far sea draw left late run while press close night
real life few north open seem together next white children begin got walk example ease paper group always music
those both mark often letter until mile river car feet care second book carry took science eat room friend began
idea fish mountain stop once base hear horse cut sure watch color face wood main enough plain girl usual young
ready above ever red list though feel talk bird soon body dog family direct pose leave song measure door product
black short numeral class wind question happen complete ship area half rock order fire south problem piece told
knew pass since top whole king space heard best hour better true during hundred five remember step early hold west
ground interest reach fast verb sing listen six table travel less morning ten simple several vowel toward war lay
against pattern slow center love person money serve appear road map rain rule govern pull cold notice voice unit
power town fine certain fly fall lead cry dark machine note wait plan figure star box noun field rest correct able
pound done beauty drive stood contain front teach week final gave green oh quick develop ocean warm free minute
strong special mind behind clear tail produce fact street inch multiply nothing course stay wheel full force blue
object decide surface deep moon island foot system busy test record boat common gold possible plane stead dry
wonder laugh thousand ago ran check game shape equate miss brought heat snow tire bring yes distant fill east paint
language among model token bench benchmark fast slow speed race racing finish close witty remark craft engine
prompt answer quick brown fox jumps lazy once upon time write short poem about`.split(/\s+/);

const SUFFIXES = [
  'ing',
  'ed',
  'er',
  'es',
  's',
  'ly',
  'tion',
  'ation',
  'ment',
  'ness',
  'est',
  'al',
  'ive',
  'able',
  'ful',
  'less',
  'ous',
  'ity',
  'ize',
  'ers',
];
const PUNCTUATION = `.,!?'";:-()[]{}/\\&*%$#@+=<>_|~\``;
/** Letters by English frequency, so filler pieces are plausible letter groups first. */
const LETTERS = 'etaoinshrdlcumwfgypbvkjxqz';

function* candidatePieces(): Generator<string> {
  yield SPACE;
  for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789') yield c;
  for (const c of PUNCTUATION) yield c;
  // Every prefix of a word piece is a piece too: llama.cpp's SPM tokenizer only merges adjacent
  // pieces into pieces that exist, so a word is reachable only through its prefixes.
  for (const word of WORDS) {
    for (const spelled of [word, word[0].toUpperCase() + word.slice(1)]) {
      const piece = SPACE + spelled;
      for (let end = 2; end <= piece.length; end++) yield piece.slice(0, end);
    }
  }
  for (const suffix of SUFFIXES) for (let end = 2; end <= suffix.length; end++) yield suffix.slice(0, end);
  for (let length = 2; ; length++) {
    for (const group of letterGroups(length)) {
      yield group;
      yield SPACE + group;
    }
  }
}

function* letterGroups(length: number): Generator<string> {
  if (length === 0) {
    yield '';
    return;
  }
  for (const head of LETTERS) for (const rest of letterGroups(length - 1)) yield head + rest;
}

/** The first `size` tokens of the vocabulary; every token string is unique, as llama.cpp requires. */
export function buildVocabulary(size: number): Vocabulary {
  if (!Number.isInteger(size) || size < FIRST_NORMAL_ID + 64) {
    throw new Error(`vocabulary size must be an integer of at least ${FIRST_NORMAL_ID + 64}, got ${size}`);
  }
  const tokens = ['<unk>', '<s>', '</s>'];
  const tokenTypes: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    tokenTypes.push(TOKEN_TYPE.byte);
  }
  const scores = new Array<number>(tokens.length).fill(0);
  const seen = new Set(tokens);
  for (const piece of candidatePieces()) {
    if (tokens.length >= size) break;
    if (seen.has(piece)) continue;
    seen.add(piece);
    // Earlier pieces score higher, as SentencePiece's log-probabilities do for frequent pieces;
    // llama.cpp merges the highest-scoring pair first.
    scores.push(-(tokens.length - FIRST_NORMAL_ID));
    tokens.push(piece);
    tokenTypes.push(TOKEN_TYPE.normal);
  }
  return { tokens, scores, tokenTypes };
}

/** The tokenizer.ggml.* keys llama.cpp reads for a SentencePiece ("llama") vocabulary. */
export function tokenizerMetadata(vocab: Vocabulary): Record<string, GgufWriteValue> {
  return {
    'tokenizer.ggml.model': gguf.string('llama'),
    'tokenizer.ggml.tokens': gguf.strings(vocab.tokens),
    'tokenizer.ggml.scores': gguf.float32s(vocab.scores),
    'tokenizer.ggml.token_type': gguf.int32s(vocab.tokenTypes),
    'tokenizer.ggml.bos_token_id': gguf.uint32(BOS_ID),
    'tokenizer.ggml.eos_token_id': gguf.uint32(EOS_ID),
    'tokenizer.ggml.unknown_token_id': gguf.uint32(UNK_ID),
    'tokenizer.ggml.add_bos_token': gguf.bool(true),
    'tokenizer.ggml.add_eos_token': gguf.bool(false),
  };
}
