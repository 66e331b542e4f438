package dev.aether.runtime.spi;

import dev.aether.runtime.ActorKey;
import java.util.Map;

/**
 * A command as a {@link Behavior} sees it.
 *
 * @param target the actor the command is for
 * @param name the command name
 * @param payload the command's fields (an unmodifiable JSON object)
 * @param commandId the command's unique id
 * @param metadata the message metadata (unmodifiable)
 */
public record Command(ActorKey target, String name, Map<String, Object> payload, String commandId,
    Map<String, String> metadata) {}
