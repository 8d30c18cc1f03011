// The runner's orchestration: files, processes, threads, the start barrier, and the result.
#include "tools/kernel/runner.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "tools/kernel/ops.h"

namespace daxsim::kernel {
namespace {

using internal::ActorContext;
using internal::Slot;
using models::workload::Actor;
using models::workload::FileSetup;
using models::workload::Op;
using models::workload::OpCode;
using models::workload::Workload;

// Memory every process of one run shares (MAP_SHARED|MAP_ANONYMOUS, made before the forks).
struct Shared {
  pthread_barrier_t ready;  // each process's main thread + the coordinator
  pthread_barrier_t start;  // every actor thread + the coordinator
  pthread_barrier_t user[models::workload::kBarriersMax];  // the workload's, by name order
  Slot slots[models::workload::kActorsMax][models::workload::kOpsPerActorMax];
};

absl::Status Errno(absl::string_view what) {
  return absl::InternalError(absl::StrCat("runner: ", what, ": ", std::strerror(errno)));
}

absl::Status WriteFill(int fd, const FileSetup::Extent& e) {
  std::vector<uint8_t> buf(1 << 20, e.fill);
  for (uint64_t done = 0; done < e.length;) {
    const size_t n = std::min<uint64_t>(buf.size(), e.length - done);
    if (pwrite(fd, buf.data(), n, static_cast<off_t>(e.offset + done)) != static_cast<ssize_t>(n)) {
      return Errno("setup pwrite");
    }
    done += n;
  }
  return absl::OkStatus();
}

// Creates one file as its setup says; returns its fd (O_RDWR).
absl::StatusOr<int> CreateFile(const std::string& dir, const FileSetup& f) {
  const std::string path = absl::StrCat(dir, "/", f.name);
  unlink(path.c_str());
  const int fd = open(path.c_str(), O_CREAT | O_RDWR, 0644);
  if (fd < 0) return Errno(absl::StrCat("create ", path));
  for (const FileSetup::Extent& e : f.extents) {
    if (e.kind == FileSetup::Extent::kWritten) {
      absl::Status s = WriteFill(fd, e);
      if (!s.ok()) return s;
    } else if (fallocate(fd, FALLOC_FL_KEEP_SIZE, static_cast<off_t>(e.offset),
                         static_cast<off_t>(e.length)) != 0) {
      return Errno("setup fallocate");
    }
  }
  if (ftruncate(fd, static_cast<off_t>(f.size)) != 0) return Errno("setup ftruncate");
  if (fsync(fd) != 0) return Errno("setup fsync");
  return fd;
}

absl::Status RequireDax(int fd, const std::string& name) {
  struct statx stx = {};
  if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) != 0) return Errno("statx");
  constexpr uint64_t kStatxAttrDax = 0x00200000;
  if ((stx.stx_attributes_mask & kStatxAttrDax) == 0 || (stx.stx_attributes & kStatxAttrDax) == 0) {
    return absl::FailedPreconditionError(absl::StrCat("runner: file ", name, " is not DAX"));
  }
  return absl::OkStatus();
}

// The processes: each distinct mm, in order of first appearance, with its actors' indices.
std::vector<std::pair<std::string, std::vector<size_t>>> Processes(const Workload& w) {
  std::vector<std::pair<std::string, std::vector<size_t>>> out;
  for (size_t a = 0; a < w.actors.size(); ++a) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](auto& p) { return p.first == w.actors[a].mm; });
    if (it == out.end()) it = out.insert(out.end(), {w.actors[a].mm, {}});
    it->second.push_back(a);
  }
  return out;
}

// A forked process: setup mmaps, then its actors as threads released by the start barrier.
[[noreturn]] void RunProcess(const Workload& w, const std::vector<size_t>& actors,
                             const std::map<std::string, int>& fds, bool fiemap,
                             const std::string& unbind, Shared* sh) {
  internal::InstallSignalHandlers();
  pthread_setname_np(pthread_self(), w.actors[actors[0]].mm.substr(0, 15).c_str());
  ActorContext setup{&fds, {}, fiemap, {}, unbind};
  size_t b = 0;  // Run() initialises sh->user in the same (name) order
  for (const auto& [name, n] : models::workload::BarrierParties(w)) {
    setup.barriers[name] = &sh->user[b++];
  }
  for (size_t a : actors) {
    const size_t n = models::workload::SetupOpCount(w.actors[a]);
    for (size_t i = 0; i < n; ++i) internal::RunOp(w.actors[a].ops[i], setup, &sh->slots[a][i]);
  }
  pthread_barrier_wait(&sh->ready);
  std::vector<std::thread> threads;
  for (size_t a : actors) {
    threads.emplace_back([&, a] {
      ActorContext ctx = setup;  // the setup mappings of this mm, then its own
      const Actor& actor = w.actors[a];
      // The trace's task column then names the actor (the comm is cut at 15 characters).
      pthread_setname_np(pthread_self(), actor.name.substr(0, 15).c_str());
      pthread_barrier_wait(&sh->start);
      for (size_t i = models::workload::SetupOpCount(actor); i < actor.ops.size(); ++i) {
        internal::RunOp(actor.ops[i], ctx, &sh->slots[a][i]);
      }
      internal::ReleasePins(ctx);
    });
  }
  for (std::thread& t : threads) t.join();
  _exit(0);
}

std::string What(const Slot& s) {
  switch (s.kind) {
    case Slot::kNotRun:
      return "notrun";
    case Slot::kOk:
      return "ok";
    case Slot::kRet:
      return absl::StrCat("ret=", s.value);
    case Slot::kErr: {
      const char* name = strerrorname_np(static_cast<int>(s.value));
      return absl::StrCat("err=", name != nullptr ? name : absl::StrCat(s.value));
    }
    case Slot::kSigbus:
      return "SIGBUS";
    case Slot::kSigsegv:
      return "SIGSEGV";
    case Slot::kNoMap:
      return "nomap";
    case Slot::kSize:
      return absl::StrCat("size=", s.value);
  }
  return "?";
}

// The file whose layout op i of `actor` recorded: its own, or for a read into a mapping
// (to=) the mapping's file (the latest mmap of that name in the actor or its mm's setup).
std::string LayoutFile(const Workload& w, const Actor& actor, size_t i) {
  const Op& op = actor.ops[i];
  if (op.code != OpCode::kRead || op.buf_map.empty()) return op.file;
  std::string file;
  for (const Actor& a : w.actors) {
    if (a.mm != actor.mm) continue;
    for (size_t j = 0; j < models::workload::SetupOpCount(a); ++j) {
      if (a.ops[j].map == op.buf_map) file = a.ops[j].file;
    }
  }
  for (size_t j = 0; j < i; ++j) {
    if (actor.ops[j].code == OpCode::kMmap && actor.ops[j].map == op.buf_map) {
      file = actor.ops[j].file;
    }
  }
  return file;
}

void Collect(const Workload& w, const Shared& sh, WorkloadResult* r) {
  for (size_t a = 0; a < w.actors.size(); ++a) {
    const Actor& actor = w.actors[a];
    for (size_t i = 0; i < actor.ops.size(); ++i) {
      const Slot& s = sh.slots[a][i];
      r->ops.push_back(
          OpResult{actor.name, static_cast<int>(i), actor.ops[i].line, What(s), s.data, s.addr});
      if (s.layout_extents < 0) continue;
      Layout l{actor.name, static_cast<int>(i), LayoutFile(w, actor, i), {}};
      for (int e = 0; e < s.layout_extents && e < static_cast<int>(internal::kExtentsMax); ++e) {
        l.extents.push_back(Extent{s.extents[e][0], s.extents[e][1], s.extents[e][2],
                                   static_cast<uint32_t>(s.extents[e][3])});
      }
      r->layouts.push_back(std::move(l));
    }
  }
}

absl::Status ClearTrace(const std::string& tracefs) {
  const std::string path = tracefs + "/trace";
  const int fd = open(path.c_str(), O_WRONLY | O_TRUNC);
  if (fd < 0) return Errno(absl::StrCat("open ", path));
  close(fd);
  return absl::OkStatus();
}

void ReadTrace(const std::string& tracefs, WorkloadResult* r) {
  std::ifstream in(tracefs + "/trace");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') r->trace.push_back(line);
  }
}

absl::Status Setup(const Workload& w, const RunOptions& o, std::map<std::string, int>* fds,
                   WorkloadResult* r) {
  for (const FileSetup& f : w.files) {
    absl::StatusOr<int> fd = CreateFile(o.dir, f);
    if (!fd.ok()) return fd.status();
    (*fds)[f.name] = *fd;
    if (o.require_dax) {
      absl::Status s = RequireDax(*fd, f.name);
      if (!s.ok()) return s;
    }
    internal::Slot slot;
    if (o.fiemap && internal::RecordLayout(*fd, &slot)) {
      Layout l{"", -1, f.name, {}};
      for (int e = 0; e < slot.layout_extents && e < static_cast<int>(internal::kExtentsMax); ++e) {
        l.extents.push_back(Extent{slot.extents[e][0], slot.extents[e][1], slot.extents[e][2],
                                   static_cast<uint32_t>(slot.extents[e][3])});
      }
      r->layouts.push_back(std::move(l));
    }
  }
  return absl::OkStatus();
}

absl::Status Run(const Workload& w, const RunOptions& o, const std::map<std::string, int>& fds,
                 Shared* sh, WorkloadResult* r) {
  const auto procs = Processes(w);
  pthread_barrierattr_t attr;
  pthread_barrierattr_init(&attr);
  pthread_barrierattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
  pthread_barrier_init(&sh->ready, &attr, static_cast<unsigned>(procs.size() + 1));
  pthread_barrier_init(&sh->start, &attr, static_cast<unsigned>(w.actors.size() + 1));
  size_t b = 0;  // the workload's barriers, by name (RunProcess: same order)
  for (const auto& [name, n] : models::workload::BarrierParties(w)) {
    pthread_barrier_init(&sh->user[b++], &attr, static_cast<unsigned>(n));
  }
  std::vector<pid_t> pids;
  for (const auto& [mm, actors] : procs) {
    const pid_t pid = fork();
    if (pid < 0) return Errno("fork");
    // FIEMAP after ops only when one actor runs: xfs_vn_fiemap() takes the IOLOCK, which would
    // order the actors' calls (and deadlock a pinning actor against a truncate that holds the
    // IOLOCK while it waits for the pin to go). Concurrent runs keep the after-setup layout.
    const bool fiemap = o.fiemap && w.actors.size() == 1;
    if (pid == 0) RunProcess(w, actors, fds, fiemap, o.unbind, sh);
    pids.push_back(pid);
  }
  pthread_barrier_wait(&sh->ready);
  absl::Status cleared = o.tracefs.empty() ? absl::OkStatus() : ClearTrace(o.tracefs);
  pthread_barrier_wait(&sh->start);
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      return absl::InternalError(
          absl::StrCat("runner: a process of the workload died (status ", status, ")"));
    }
  }
  if (!cleared.ok()) return cleared;
  Collect(w, *sh, r);
  if (!o.tracefs.empty()) ReadTrace(o.tracefs, r);
  return absl::OkStatus();
}

// Read pins run as vmsplice(2) (ops.cc RunReadPin: get_user_pages_fast without FOLL_WRITE),
// long-term write pins as io_uring buffer registration (RunLongtermPin: pin_user_pages, the
// slow path, FOLL_WRITE | FOLL_LONGTERM); an unpin must name the range of a pin the actor
// holds, exactly, and carry no data. Other pins have no user-level form that holds the pages
// across operations on 6.1: O_DIRECT holds them for the I/O's duration only.
std::string UnsupportedPins(const Actor& a) {
  std::vector<const Op*> held;
  for (const Op& op : a.ops) {
    const bool vmsplice = !op.write_access && op.gup_fast && !op.longterm;
    const bool io_uring = op.write_access && !op.gup_fast && op.longterm;
    if (op.code == OpCode::kPin && !vmsplice && !io_uring) {
      return absl::StrCat("line ", op.line,
                          ": pin (held on 6.1 only as 'ro' by vmsplice(2) or as 'rw slow "
                          "longterm' by io_uring buffer registration)");
    }
    if (op.code == OpCode::kPin) held.push_back(&op);
    if (op.code != OpCode::kUnpin) continue;
    auto it = std::find_if(held.begin(), held.end(), [&op](const Op* p) {
      return p->map == op.map && p->offset == op.offset && p->length == op.length;
    });
    if (op.dma || it == held.end()) {
      return absl::StrCat("line ", op.line,
                          ": unpin (only of a held pin's exact range, without val=)");
    }
    held.erase(it);
  }
  return "";
}

}  // namespace

std::string Unsupported(const Workload& w, const RunOptions& o) {
  for (const Actor& a : w.actors) {
    for (const Op& op : a.ops) {
      switch (op.code) {
        case OpCode::kCrash:
          return absl::StrCat("line ", op.line, ": crash (qemu TCG loses no cache lines)");
        case OpCode::kInjectBadBlock:
        case OpCode::kScrub:
          return absl::StrCat("line ", op.line, ": ",
                              std::string(models::workload::OpName(op.code)),
                              " (no error injection on an e820 pmem region)");
        case OpCode::kUnbind:
          if (!o.unbind.empty()) break;
          return absl::StrCat("line ", op.line, ": unbind (no pmem namespace to unbind here)");
        default:
          break;
      }
    }
    if (std::string why = UnsupportedPins(a); !why.empty()) return why;
  }
  return "";
}

absl::StatusOr<WorkloadResult> RunWorkload(const Workload& w, const RunOptions& o) {
  WorkloadResult r;
  r.workload = w.name;
  if (std::string why = Unsupported(w, o); !why.empty()) {
    r.status = "unsupported";
    r.why = why;
    return r;
  }
  std::map<std::string, int> fds;
  absl::Status s = Setup(w, o, &fds, &r);
  void* mem = s.ok() ? mmap(nullptr, sizeof(Shared), PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS, -1, 0)
                     : MAP_FAILED;
  if (s.ok() && mem == MAP_FAILED) s = Errno("mmap shared");
  if (s.ok()) {
    Shared* sh = new (mem) Shared();
    s = Run(w, o, fds, sh, &r);
    munmap(mem, sizeof(Shared));
  }
  for (const FileSetup& f : w.files) {
    auto it = fds.find(f.name);
    if (it == fds.end()) continue;
    struct stat st = {};
    if (s.ok() && fstat(it->second, &st) == 0) {
      r.sizes.emplace_back(f.name, static_cast<uint64_t>(st.st_size));
    }
    close(it->second);
  }
  if (!s.ok()) return s;
  return r;
}

}  // namespace daxsim::kernel
