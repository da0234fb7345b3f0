// PID 1 runs under an AppArmor profile (CIS 5.2): Docker's docker-default unless the
// service sets `apparmor=unconfined` (or a profile of its own). Where the host kernel has no
// AppArmor, no profile can apply and there is nothing to judge: the probe skips, saying so.
import { fail, gatherEvidence, pass, skip, type Probe } from "./probe-kit.ts";

export const apparmorConfined: Probe = {
  meta: {
    id: "runtime/apparmor-confined",
    kind: "runtime",
    title: "PID 1 is confined by an AppArmor profile in enforce mode (where the host has AppArmor)",
    severity: "high",
    refs: ["CIS 5.2"],
    remediation: "Drop `security_opt: [apparmor=unconfined]` (Docker applies docker-default), or name a profile loaded in enforce mode (`apparmor=<profile>`).",
  },
  needs: ["apparmor"],
  evaluate(f) {
    const g = f.gathered!;
    const a = g.apparmor!;
    const ev = (actual: string) => [gatherEvidence(g, a.lines, { property: `AppArmor profile of PID 1 (${a.file ?? "/proc/1/attr"})`, expected: "a profile in enforce mode", actual })];
    const cur = a.current ?? "";
    // AppArmor's own answer: "unconfined" or "<profile> (enforce|complain|kill|unconfined)"
    const m = /^(\S+) \((enforce|complain|kill|unconfined)\)$/.exec(cur);
    if (cur === "unconfined" || m) {
      if (cur === "unconfined") return fail("PID 1 is unconfined by AppArmor", ev(cur));
      if (m![2] === "enforce" || m![2] === "kill") return pass(`PID 1 confined by AppArmor profile ${m![1]} (${m![2]})`, ev(cur));
      return fail(`PID 1's AppArmor profile ${m![1]} is in ${m![2]} mode: nothing is enforced`, ev(cur));
    }
    if (a.enabled !== "Y")
      return skip(
        `AppArmor is not enabled in the host kernel (/sys/module/apparmor/parameters/enabled: ${a.enabled}; ${a.file ?? "/proc/1/attr/current"}: ${cur ? JSON.stringify(cur) : "no AppArmor answer"}): no profile can apply here`,
        ev(cur || "none"),
      );
    return skip(`AppArmor is enabled but ${a.file ?? "/proc/1/attr/current"} gave no AppArmor profile (${JSON.stringify(cur)}): another LSM answers`, ev(cur || "none"));
  },
};
