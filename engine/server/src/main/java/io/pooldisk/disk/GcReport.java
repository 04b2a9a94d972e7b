package io.pooldisk.disk;

/** What one garbage collection removed. */
public record GcReport(int partsDeleted, int blobsDeleted, long bytesFreed) {}
