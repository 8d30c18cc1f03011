// The fs_dax tracepoints in the kernel's text format. Mirrors: include/trace/events/fs_dax.h
// TP_printk formats (6.1), with FAULT_FLAG_TRACE and
// VM_FAULT_RESULT_TRACE spellings: a user fault on x86 carries ALLOW_RETRY|KILLABLE|USER|
// INTERRUPTIBLE (do_user_addr_fault()), a get_user_pages fault ALLOW_RETRY|KILLABLE.
#include <cstdio>
#include <string>

#include "sim/dax/dax.h"

namespace daxsim::dax {

using namespace vm;

namespace {

constexpr unsigned kDevMajor = 259, kDevMinor = 0;

std::string Hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof(buf), "%#llx", static_cast<unsigned long long>(v));
  return v == 0 ? "0x0" : buf;
}

std::string FaultFlags(uint32_t flags) {
  std::string s;
  auto add = [&s](const char* n) { s += std::string(s.empty() ? "" : "|") + n; };
  if (flags & FAULT_FLAG_WRITE) add("WRITE");
  if (flags & FAULT_FLAG_MKWRITE) add("MKWRITE");
  if (flags & FAULT_FLAG_ALLOW_RETRY) add("ALLOW_RETRY");
  if (flags & FAULT_FLAG_KILLABLE) add("KILLABLE");
  if (flags & FAULT_FLAG_USER) add("USER");
  if (flags & FAULT_FLAG_INTERRUPTIBLE) add("INTERRUPTIBLE");
  if (flags & FAULT_FLAG_ORIG_PTE_VALID) add("0x800");  // no name in FAULT_FLAG_TRACE
  return s;
}

std::string Result(uint32_t r) { return r == 0 ? "" : VmFaultName(r); }

std::string Head(DaxInode& inode) {
  return "dev " + std::to_string(kDevMajor) + ":" + std::to_string(kDevMinor) + " ino " +
         Hex(inode.ino());
}

}  // namespace

void Dax::TracePte(const char* event, DaxInode& inode, const VmFault& vmf, uint32_t result) {
  sim_->Cover(event, sim::Mix(result, vmf.flags & FAULT_FLAG_WRITE));
  if (!sim_->tracing()) return;
  sim_->Emit(std::string(event) + ": " + Head(inode) + " " +
             (vmf.vma->shared ? "shared" : "private") + " " + FaultFlags(vmf.flags) + " address " +
             Hex(vmf.address) + " pgoff " + Hex(vmf.pgoff) + " " + Result(result));
}

void Dax::TracePmd(const char* event, DaxInode& inode, const VmFault& vmf, uint64_t max_pgoff,
                   uint32_t result, bool with_result) {
  sim_->Cover(event, sim::Mix(with_result ? result : 0, vmf.flags & FAULT_FLAG_WRITE));
  if (!sim_->tracing()) return;
  sim_->Emit(std::string(event) + ": " + Head(inode) + " " +
             (vmf.vma->shared ? "shared" : "private") + " " + FaultFlags(vmf.flags) + " address " +
             Hex(vmf.address) + " vm_start " + Hex(vmf.vma->start) + " vm_end " +
             Hex(vmf.vma->end) + " pgoff " + Hex(vmf.pgoff) + " max_pgoff " + Hex(max_pgoff) + " " +
             (with_result ? Result(result) : ""));
}

void Dax::TracePmdHole(const char* event, DaxInode& inode, const VmFault& vmf, bool zero_page,
                       uint64_t entry) {
  sim_->Cover(event, zero_page);
  if (!sim_->tracing()) return;
  sim_->Emit(std::string(event) + ": " + Head(inode) + " " +
             (vmf.vma->shared ? "shared" : "private") + " address " + Hex(vmf.address) +
             " zero_page " + (zero_page ? Hex(kHugeZeroPfn << PAGE_SHIFT) : "00000000") +
             " radix_entry " + Hex(dax_radix_entry(entry)));
}

void Dax::TraceWritebackRange(const char* event, DaxInode& inode, uint64_t start, uint64_t end) {
  if (!sim_->tracing()) return;
  sim_->Emit(std::string(event) + ": " + Head(inode) + " pgoff " + Hex(start) + "-" + Hex(end));
}

void Dax::TraceWritebackOne(DaxInode& inode, uint64_t pgoff, uint64_t pglen) {
  if (!sim_->tracing()) return;
  sim_->Emit("dax_writeback_one: " + Head(inode) + " pgoff " + Hex(pgoff) + " pglen " + Hex(pglen));
}

}  // namespace daxsim::dax
