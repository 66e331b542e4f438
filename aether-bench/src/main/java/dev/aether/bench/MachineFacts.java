package dev.aether.bench;

import java.lang.management.ManagementFactory;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the numbers of a run depend on besides the code: date, JDK, cores, OS and JVM options.
 *
 * @param date the day of the run (UTC)
 * @param jdk the JDK vendor and runtime version
 * @param cores the processors available to the JVM
 * @param os the operating system name, version and architecture
 * @param jvmOptions the options the JVM was started with
 */
public record MachineFacts(LocalDate date, String jdk, int cores, String os, String jvmOptions) {

  /** @return the facts of this JVM, now */
  public static MachineFacts current() {
    return new MachineFacts(
        LocalDate.now(ZoneOffset.UTC),
        System.getProperty("java.vendor") + " " + System.getProperty("java.runtime.version"),
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch"),
        String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  /** @return the facts as ordered name/value pairs, for a table */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    map.put("date", date.toString());
    map.put("JDK", jdk);
    map.put("cores", Integer.toString(cores));
    map.put("OS", os);
    map.put("JVM options", jvmOptions.isBlank() ? "(none)" : jvmOptions);
    return map;
  }
}
