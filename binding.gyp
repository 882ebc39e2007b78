{
  "targets": [
    {
      "target_name": "hog_disk",
      "sources": ["src/disk/native/walker.cc", "src/disk/native/addon.cc", "src/disk/native/totals.cc"],
      "cflags_cc": ["-std=c++17", "-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Wno-missing-field-initializers"],
      "cflags_cc!": ["-fno-exceptions"],
      "ldflags": ["-pthread"]
    }
  ]
}
