/** A model's page, as the catalogue links it (an id may hold slashes). */
export const modelPath = (id: string) => `/models/${encodeURIComponent(id)}`;
