"""Warnings for daxsim's own code: the one place they are set (-Werror on our code only).

Use in every cc_library / cc_binary / cc_test of ours:
    load("//:copts.bzl", "DAXSIM_COPTS", "DAXSIM_TEST_COPTS")
    cc_library(name = ..., copts = DAXSIM_COPTS, ...)
"""

DAXSIM_COPTS = [
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wno-unused-parameter",
    "-Wno-missing-field-initializers",
    "-Wnon-virtual-dtor",
    "-Woverloaded-virtual",
    "-Wvla",
]

# Tests: the same, except comparisons such as EXPECT_EQ(v.size(), 3) written in test bodies.
DAXSIM_TEST_COPTS = DAXSIM_COPTS + [
    "-Wno-sign-compare",
]
