import { handleApiV1 } from "@/server/api/handle";

// The REST API: routes, schemas and permissions live in server/api/routes.ts.
export const GET = (request: Request) => handleApiV1(request);
export const POST = (request: Request) => handleApiV1(request);
