package dev.sessionkit.spring.compat;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.SessionAttributes;
import org.springframework.web.bind.support.SessionStatus;

/** A cart kept across requests by {@code @SessionAttributes}, ended by checking out. */
@Controller
@RequestMapping("/cart")
@SessionAttributes("cart")
class CartController {

    @ModelAttribute("cart")
    Cart newCart() {
        return new Cart();
    }

    @GetMapping
    String show() {
        return "cart";
    }

    @PostMapping("/items")
    String add(@ModelAttribute("cart") Cart cart, @RequestParam String product, @RequestParam int quantity) {
        cart.add(product, quantity);
        return "redirect:/cart";
    }

    @PostMapping("/checkout")
    String checkout(@ModelAttribute("cart") Cart cart, SessionStatus status) {
        status.setComplete();
        return "redirect:/cart";
    }
}
