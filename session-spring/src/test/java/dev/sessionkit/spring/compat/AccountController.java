package dev.sessionkit.spring.compat;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ResponseBody;

/** The login page, the signed-in user's pages, and what the session and the login are. */
@Controller
class AccountController {

    @GetMapping("/login")
    String login() {
        return "login";
    }

    @GetMapping("/profile")
    String profile(@AuthenticationPrincipal AppUser user, Model model) {
        model.addAttribute("displayName", user.getDisplayName());
        return "profile";
    }

    /** Needs a login in this session or by remember-me. */
    @GetMapping("/auth")
    @ResponseBody
    String authentication(Authentication authentication) {
        return authentication.getClass().getSimpleName() + " " + authentication.getName();
    }

    /** Needs a full login: a remember-me cookie is not enough. */
    @GetMapping("/account/password")
    @ResponseBody
    String changePassword(@AuthenticationPrincipal AppUser user) {
        return "change the password of " + user.getUsername();
    }

    @GetMapping("/session")
    @ResponseBody
    String session(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        return session == null ? "none" : session.getId();
    }
}
