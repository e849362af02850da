{
  "targets": [
    {
      "target_name": "demgrad_deflate",
      "sources": ["deflate.c"],
      "libraries": ["-ldeflate"],
      "cflags": ["-O2", "-Wall", "-Wextra"]
    }
  ]
}
