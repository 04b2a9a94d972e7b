package io.pooldisk.cli;

import io.pooldisk.pool.DataDirs;
import io.pooldisk.pool.PoolConfig;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code pooldisk serve}'s defaults, read from {@link PoolConfig#defaults()} so that the server, its help text and the
 * console cannot disagree. {@code --data}'s depends on the environment, so its help text says it in words; options left
 * out here have no single default value ({@code --max-requests-jitter} depends on {@code --max-requests}).
 */
final class ServeDefaults implements IDefaultValueProvider {

    private static final PoolConfig DEFAULTS = PoolConfig.defaults();

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        PoolConfig d = DEFAULTS;
        return switch (option.longestName()) {
            case "--host" -> d.bind().getHostString();
            case "--port" -> Integer.toString(d.bind().getPort());
            case "--workers" -> Integer.toString(d.workers());
            case "--data" -> DataDirs.defaultDataDir().toString();
            case "--max-pending" -> Integer.toString(d.maxPending());
            case "--queue-timeout" -> Durations.format(d.queueTimeout());
            case "--request-timeout" -> Durations.format(d.requestTimeout());
            case "--max-requests" -> Integer.toString(d.maxRequests());
            case "--grace" -> Durations.format(d.grace());
            case "--idle-timeout" -> Durations.format(d.idleTimeout());
            case "--linger" -> Durations.format(d.linger());
            case "--max-sessions" -> Integer.toString(d.maxSessions());
            case "--upload-ttl" -> Durations.format(d.uploadTtl());
            case "--login-max-failures" -> Integer.toString(d.loginMaxFailures());
            case "--login-window" -> Durations.format(d.loginWindow());
            case "--login-ban" -> Durations.format(d.loginBan());
            case "--instant-upload" -> d.instantUploads().option();
            case "--metrics" ->
                d.metrics() == null
                        ? null
                        : d.metrics().getHostString() + ":" + d.metrics().getPort();
            case "--proxy-from" ->
                d.proxyFrom().isEmpty() ? null : d.proxyFrom().toString();
            case "--log-max-size" -> io.pooldisk.client.ByteSizes.human(d.logMaxBytes());
            case "--log-files" -> Integer.toString(d.logFiles());
            default -> null;
        };
    }
}
