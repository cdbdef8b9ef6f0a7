package dev.sessionkit.spring.compat;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Counts the visitor's requests in a session-scoped bean. */
@RestController
class VisitsController {

    private final Visits visits;

    VisitsController(Visits visits) {
        this.visits = visits;
    }

    @GetMapping("/visits")
    String visit() {
        return Integer.toString(visits.increment());
    }
}
