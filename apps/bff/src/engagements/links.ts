/** An engagement's page in the SPA: where its events, alerts and note mentions link. */
export const engagementPath = (id: number) => `/engagements/${id}`;
