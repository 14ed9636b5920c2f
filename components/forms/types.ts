import type { Result } from "@/lib/result";

/** A server action as useActionState expects it: (previous state, form data) -> Result. */
export type FormAction<T> = (previous: Result<T> | null, formData: FormData) => Promise<Result<T>>;
