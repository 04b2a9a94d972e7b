package io.pooldisk.cli;

import java.nio.file.Path;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A configuration file's values as picocli's defaults, over {@code fallback}'s: so the file covers every option by its
 * long name (without dashes), those added later included, and the command line overrides it as it overrides any
 * default. An empty value means the fallback's default. A relative path is taken from the file's directory. (picocli's
 * own PropertiesDefaultProvider would do the lookup, but over no other provider, and through java.util.Properties it
 * knows no line numbers and takes any key: {@link ServeCommand} checks each entry first, so that errors name them.)
 */
final class FileDefaults implements IDefaultValueProvider {

    private final ConfigFile file;
    private final IDefaultValueProvider fallback;

    FileDefaults(ConfigFile file, IDefaultValueProvider fallback) {
        this.file = file;
        this.fallback = fallback;
    }

    /** An option's key in the file: its longest name without the dashes ({@code --grace}: {@code grace}). */
    static String key(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    /** The file's value for {@code option}, or null when the file leaves it to its default. */
    String fileValue(OptionSpec option) {
        ConfigFile.Entry e = file.entries().get(key(option));
        if (e == null || e.value().isEmpty()) {
            return null;
        }
        if (Path.class.isAssignableFrom(option.type()) && file.path().getParent() != null) {
            return file.path().getParent().resolve(e.value()).toString();
        }
        return e.value();
    }

    @Override
    public String defaultValue(ArgSpec arg) throws Exception {
        if (arg instanceof OptionSpec option) {
            String value = fileValue(option);
            if (value != null) {
                return value;
            }
        }
        return fallback.defaultValue(arg);
    }
}
