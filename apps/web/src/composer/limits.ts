/** The composer's own limit on a message, in characters (the API's too). */
export const MAX_LENGTH = 2000;
