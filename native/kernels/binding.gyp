{
  "targets": [
    {
      "target_name": "demgrad_kernels",
      "sources": ["kernels.c"],
      "cflags": ["-O3", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math", "-Wall", "-Wextra"]
    }
  ]
}
