/**
 * Spring Boot 3 auto-configuration for sessionkit. Entry points:
 * {@link dev.sessionkit.spring.SessionkitAutoConfiguration} (settings, manager, servlet filter),
 * {@link dev.sessionkit.spring.SessionkitProperties} ({@code sessionkit.*}) and
 * {@link dev.sessionkit.spring.SessionManagerCustomizer}.
 */
package dev.sessionkit.spring;
