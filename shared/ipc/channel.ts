import { z } from 'zod';

/** One channel of the contract: the schema its argument is parsed with and the shape of its reply. */
export function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

/** The argument of a channel that takes none. */
export const NoArgs = z.strictObject({});
