import type { Fault } from '../scenario';
import { clientKill } from './client-kill';
import { clockSkew } from './clock-skew';
import { cutResponse } from './cut-response';
import { damagedMirror } from './damaged-mirror';
import { diskFull } from './disk-full';
import { duplicate } from './duplicate';
import { poison } from './poison';
import { pullCut } from './pull-cut';
import { commitReset, tooMany, unavailable } from './server-hook';
import { serverKill } from './server-kill';
import { stall } from './stall';

/** Every fault the matrix covers, in table order. */
export const FAULTS: readonly Fault[] = [
  clientKill,
  serverKill,
  cutResponse,
  stall,
  unavailable,
  tooMany,
  duplicate,
  commitReset,
  poison,
  clockSkew,
  pullCut,
  diskFull,
  damagedMirror,
];
