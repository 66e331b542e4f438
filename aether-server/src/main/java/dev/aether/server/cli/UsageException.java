package dev.aether.server.cli;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** A command line that cannot be run as written (exit code 2); the message says what is wrong. */
final class UsageException extends RuntimeException {

  UsageException(String message) {
    super(message, null, false, false);
  }

  /**
   * A file named on the command line that cannot be read, and why: no such file, a directory, not readable, not
   * UTF-8 text.
   *
   * @param what what the file is for ({@code the payload file})
   */
  static UsageException cannotRead(String what, Path file, IOException e) {
    return new UsageException("cannot read " + what + " " + file + ": " + why(file, e));
  }

  private static String why(Path file, IOException e) {
    if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
      return "no such file";
    }
    if (Files.isDirectory(file)) {
      return "it is a directory, not a file";
    }
    if (e instanceof AccessDeniedException) {
      return "not readable (permission denied)";
    }
    if (e instanceof CharacterCodingException) {
      return "not UTF-8 text";
    }
    return e.getMessage() == null || e.getMessage().equals(file.toString()) ? e.getClass().getSimpleName()
        : e.getMessage();
  }
}
