/** A refusal from the domain core: a stable code the transport maps to a status and a sentence. */
export interface Refusal {
  ok: false;
  code: string;
  message: string;
}

export function refuse(code: string, message: string): Refusal {
  return { ok: false, code, message };
}
