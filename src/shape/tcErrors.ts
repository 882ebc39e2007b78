/**
 * What a failed tc or ip command said, turned into hog's errors: a missing permission, a qdisc,
 * classifier, action or ifb device this kernel lacks (other machines may lack what this one has), or
 * tc's own message. Pure: tested on the messages tc prints.
 */
import { HogError, PermissionError, UnsupportedError } from '../errors.js';

export const NET_ADMIN_HINT =
  'changing traffic control needs CAP_NET_ADMIN: run hog as root (sudo hog shape ...) or give it the capability';

export function tcFailure(what: string, stderr: string): HogError {
  const said = stderr.trim().split('\n').filter(Boolean).slice(0, 4).join('; ');
  if (/Operation not permitted|EPERM/i.test(stderr)) {
    return new PermissionError(`${what}: not permitted (${said})`, { hint: NET_ADMIN_HINT });
  }
  const qdisc = /qdisc kind is unknown|Unknown qdisc "?(\w+)/i.exec(stderr);
  if (qdisc !== null) {
    return new UnsupportedError(`${what}: this kernel lacks a queueing discipline hog needs (${said})`, {
      hint: 'hog shape needs HTB (CONFIG_NET_SCH_HTB, module sch_htb) and the ingress qdisc (CONFIG_NET_SCH_INGRESS) for --ingress: modprobe sch_htb sch_ingress',
    });
  }
  if (/classifier not found|Unknown filter|Unknown classifier/i.test(stderr)) {
    return new UnsupportedError(`${what}: this kernel lacks the u32 classifier (${said})`, {
      hint: 'hog shape classifies with u32 (CONFIG_NET_CLS_U32, module cls_u32): modprobe cls_u32',
    });
  }
  if (
    /action.*(not found|unknown)|Failed to load TC action|mirred/i.test(stderr) &&
    /mirred|action/i.test(stderr)
  ) {
    return new UnsupportedError(`${what}: this kernel lacks the mirred action (${said})`, {
      hint: 'ingress shaping redirects with mirred (CONFIG_NET_ACT_MIRRED, module act_mirred): modprobe act_mirred',
    });
  }
  if (/Unknown device type/i.test(stderr)) {
    return new UnsupportedError(`${what}: this kernel has no ifb device (${said})`, {
      hint: 'ingress shaping redirects traffic through an ifb device: modprobe ifb (CONFIG_IFB), or shape egress only',
    });
  }
  return new HogError(`${what} failed: ${said || 'no message'}`);
}
