/**
 * Behaviours written in Java with typed records for commands, events and state:
 * {@link dev.aether.runtime.behavior.JavaBehavior} with its {@link dev.aether.runtime.behavior.Effect},
 * {@link dev.aether.runtime.behavior.CommandHandler} and {@link dev.aether.runtime.behavior.EventHandler}, and
 * {@link dev.aether.runtime.behavior.EventUpcasts}, the upcasts of stored events shared with every reader of them.
 */
package dev.aether.runtime.behavior;
