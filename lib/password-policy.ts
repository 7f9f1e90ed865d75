/** The shortest password the platform accepts; a module of its own so that browser code can check it too. */
export const MIN_PASSWORD_LENGTH = 8;
