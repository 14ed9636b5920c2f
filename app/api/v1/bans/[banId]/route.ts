import { handleApiV1 } from "@/server/api/handle";

// The REST API: routes, schemas and permissions live in server/api/routes.ts.
export const DELETE = (request: Request) => handleApiV1(request);
