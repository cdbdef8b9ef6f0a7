package dev.sessionkit.servlet.app;

import java.util.Objects;

/** A mutable bean with getters and setters, as servlet apps keep them. */
public class Profile {

    private String name;
    private int age;

    public Profile() {
    }

    public Profile(String name, int age) {
        this.name = name;
        this.age = age;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public int getAge() {
        return age;
    }

    public void setAge(int age) {
        this.age = age;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Profile p && Objects.equals(p.name, name) && p.age == age;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, age);
    }

    @Override
    public String toString() {
        return "Profile[" + name + ", " + age + "]";
    }
}
