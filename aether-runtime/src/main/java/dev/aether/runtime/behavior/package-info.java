/**
 * Behaviours written in Java with typed records for commands, events and state:
 * {@link dev.aether.runtime.behavior.JavaBehavior} with its {@link dev.aether.runtime.behavior.Effect},
 * {@link dev.aether.runtime.behavior.CommandHandler} and {@link dev.aether.runtime.behavior.EventHandler}.
 */
package dev.aether.runtime.behavior;
