// The configurations of the DAX API design space that `daxsim matrix` compares: every valid
// (front end, filesystem) pair, and the three ext2 migration options as named sets of pairs.
// Each configuration's suite is the workload library minus what the filesystem cannot run
// (MAP_SYNC where it has none), with the findings the
// model shows on every configuration (README "Findings") and the filesystem's known limits
// listed as expected, each with its reason.
#pragma once

#include <string>
#include <vector>

namespace daxsim::models {

struct ConfigMember {
  std::string model;   // xfs, ext4, ext2, xipfs
  std::string params;  // api=...
};

struct MatrixConfig {
  std::string name;         // "iomap/xfs", "option-1"
  std::string description;  // one line
  std::vector<ConfigMember> members;
  int front_ends = 1;  // DAX fault paths the core must keep for this configuration
};

// Pairs first (iomap, get_block, populate_pfns over xfs, ext4, ext2; populate_pfns/xipfs), then
// option-1 (bh for ext2, iomap for xfs/ext4), option-2 (iomap everywhere, ext2 shim),
// option-3 (bh everywhere, xfs/ext4 translating their block maps into buffer_heads).
const std::vector<MatrixConfig>& MatrixConfigs();

struct SuiteItem {
  std::string workload;
  std::string description;  // the workload's
  std::string expected;     // "" (must be clean) or the violation kind expected ("invariant")
  std::string why;          // for an expected finding
  // Signatures of known findings the workload may meet on the way (KnownFinding::signature):
  // such a violation is reported, not failed; any other fails the item.
  std::vector<std::string> tolerated = {};
};

// The suite of one member; `skipped` gets "workload: reason" for each library workload left out.
std::vector<SuiteItem> Suite(const ConfigMember& m, std::vector<std::string>* skipped);

// What the model shows of Linux 6.1 on purpose (README "Findings"): a violation whose message
// contains `signature` is that finding, not a defect. Workloads nobody wrote (the generated
// phase) meet them too.
struct KnownFinding {
  std::string signature;
  std::string why;
};
std::vector<KnownFinding> KnownFindings(const std::string& model);
// Whether `message` is one of the model's known findings.
bool IsKnownFinding(const std::string& model, const std::string& message);

}  // namespace daxsim::models
