/**
 * The behaviour SPI: {@link dev.aether.runtime.spi.Behavior} (decider style: initial state, decide, evolve)
 * with the {@link dev.aether.runtime.spi.Command} it receives and the {@link dev.aether.runtime.spi.Decision}
 * it returns. Java behaviours and model-driven behaviours both implement it.
 */
package dev.aether.runtime.spi;
