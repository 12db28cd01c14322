/**
 * What a password must be (issue 9): at least 10 characters that are not all spaces, and not
 * guessable — judged by zxcvbn-ts with its shipped lists of common and breached passwords, plus the
 * product's own name and the user's name and email. Score 3 of 4 ("safely unguessable") or better.
 */
export const MIN_PASSWORD_LENGTH = 10;
const MIN_SCORE = 3;

/**
 * zxcvbn and its lists load on the first password set, not at start: they are 16 MB of the idle
 * server's memory, and most processes never judge a password.
 */
type Judge = typeof import('@zxcvbn-ts/core').zxcvbn;
let judge: Promise<Judge> | null = null;
function loadJudge(): Promise<Judge> {
  judge ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(([core, common]) => {
    core.zxcvbnOptions.setOptions({ dictionary: { ...common.dictionary }, graphs: common.adjacencyGraphs });
    return core.zxcvbn;
  });
  return judge;
}

/** zxcvbn's warning keys, in words (the English translation package is not needed for these). */
const WHY: Record<string, string> = {
  userInputs: 'it contains your name, your email or the product’s name',
  similarToCommon: 'it is like a commonly used password',
  commonPasswords: 'it is a commonly used password',
  topTen: 'it is one of the most used passwords',
  topHundred: 'it is one of the most used passwords',
  straightRow: 'it is a row of keys',
  keyPattern: 'it is a keyboard pattern',
  simpleRepeat: 'it repeats characters',
  extendedRepeat: 'it repeats a pattern',
  sequences: 'it is a sequence',
  recentYears: 'it contains a recent year',
  dates: 'it contains a date',
};

/** Null when the password is acceptable, else why not (shown to the user). */
export async function passwordProblem(password: string, about: { email?: string; name?: string } = {}): Promise<string | null> {
  if (password.trim().length < MIN_PASSWORD_LENGTH) return `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters (spaces alone do not count).`;
  const inputs = ['switchboard', about.email ?? '', ...(about.email?.split(/[@.]/) ?? []), ...(about.name?.split(/\s+/) ?? [])].filter((s) => s.length >= 3);
  const r = (await loadJudge())(password.slice(0, 100), inputs);
  if (r.score >= MIN_SCORE) return null;
  const why = r.feedback.warning ? WHY[r.feedback.warning] : undefined;
  return `That password is too easy to guess${why ? ` (${why})` : ''}: try a few unrelated words together.`;
}
