/**
 * Reading configuration from a flat string map: {@link dev.aether.config.ConfigKeys} defines the key style
 * ({@code aether.<area>.<kebab-name>}) and parses every value (durations, integers, booleans, enumerations,
 * lists) for all of Aether's configurations, so that one map read from YAML, environment or flags can feed
 * them all.
 */
package dev.aether.config;
