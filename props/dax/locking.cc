// Entry locks and wake-ups.
//   I4 an entry lock has one holder (it is a bit in the entry: by construction); nobody sleeps
//      on an entry that is unlocked with no wake-up pending, and every waiter is eventually
//      woken. The engine checks the sleepers: at quiescence a sleeper whose condition holds is a
//      lost wake-up, a wait-for cycle is a deadlock, lock-order inversions are lockdep reports.
//      Catches: the 2019 missed-wakeup chain (23c84eb78375, 61c30c98ef17), wake-one after
//      deleting an entry (237388320def), three readers of one hole (965d004af540).
//   I4' (end) no entry is left locked when every actor has finished: a path that forgets to
//      unlock is silent until a later fault hangs on it.
//   Entry-lock protocol misuse (unlocking an entry someone replaced while locked) is the model's
//      BUG_ON in dax_unlock_entry, reported as an assertion.
#include "props/dax/props.h"

namespace daxsim::props {

void RegisterLocking(DaxWorld* w) {
  w->sim().AddInvariant(
      "I4 entry left locked",
      [w]() -> Result {
        if (w->crashed) return std::nullopt;  // the power failure killed the holders
        for (const auto& ip : w->fs().inodes()) {
          for (const auto& [index, slot] : ip->mapping().i_pages.slots()) {
            if (dax::dax_is_locked(slot.value)) {
              w->sim().Involve(models::EntryKey(ip->name(), index));
              return "I4 entry left locked: index " + std::to_string(index) + " of " + ip->name() +
                     " is locked after every actor finished";
            }
          }
        }
        return std::nullopt;
      },
      /*every_step=*/false);
}

}  // namespace daxsim::props
