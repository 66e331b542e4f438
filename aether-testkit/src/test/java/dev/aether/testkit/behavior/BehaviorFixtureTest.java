package dev.aether.testkit.behavior;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.runtime.spi.NewEvent;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BehaviorFixtureTest {

  record Account(boolean open, long balance) {}

  record Open() {}

  record Withdraw(long amount) {}

  record Opened() {}

  record Deposited(long amount) {}

  record Withdrawn(long amount) {}

  record Unregistered(int x) {}

  private final BehaviorFixture<Account> account = BehaviorFixture.of(JavaBehavior.builder("Account",
          Account.class, new Account(false, 0))
      .command("Open", Open.class, (s, c) -> s.open() ? Effect.reject("already open") : Effect.persist(new Opened()))
      .command("Withdraw", Withdraw.class, (s, c) -> !s.open() ? Effect.reject("not open")
          : c.amount() > s.balance() ? Effect.reject("insufficient funds") : Effect.persist(new Withdrawn(c.amount())))
      .event("Opened", Opened.class, (s, e) -> new Account(true, s.balance()))
      .event("Deposited", Deposited.class, (s, e) -> new Account(s.open(), s.balance() + e.amount()))
      .event("Withdrawn", Withdrawn.class, (s, e) -> new Account(s.open(), s.balance() - e.amount()))
      .build());

  @AfterEach
  void close() {
    account.close();
  }

  @Test
  void givenEvents_whenACommand_thenItsEventsAndState() {
    account.given(new Opened(), new Deposited(100))
        .when("Withdraw", Map.of("amount", 30))
        .expectEvents(new Withdrawn(30))
        .expectState(s -> assertThat(s.balance()).isEqualTo(70))
        .andWhen("Withdraw", Map.of("amount", 70))
        .expectEvents(NewEvent.of("Withdrawn", Map.of("amount", 70)))
        .expectState(s -> assertThat(s).isEqualTo(new Account(true, 0)));
    account.given().when("Open", Map.of()).expectEvents(new Opened());
  }

  @Test
  void rejectionsAndFieldErrors_areChecked_andStoreNothing() {
    account.given(new Opened(), new Deposited(10))
        .when("Withdraw", Map.of("amount", 30))
        .expectRejected(RejectionReason.BUSINESS_RULE, "insufficient funds")
        .expectNoEvents()
        .expectState(s -> assertThat(s.balance()).isEqualTo(10));
    account.given(new Opened())
        .when("Withdraw", Map.of("amount", "thirty"))
        .expectFieldError("payload.amount");
    account.given().when("Close", Map.of()).expectRejected(RejectionReason.UNKNOWN_COMMAND);
  }

  @Test
  void expectRecovers_passesForAPureBehaviour_andNamesBothStatesForOneThatDoesNotReplay() {
    account.given(new Opened(), new Deposited(100)).when("Withdraw", Map.of("amount", 30)).expectRecovers();

    java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong();
    try (BehaviorFixture<Account> drifting = BehaviorFixture.of(JavaBehavior.builder("Account", Account.class,
            new Account(false, 0))
        .command("Open", Open.class, (s, c) -> Effect.persist(new Opened()))
        .event("Opened", Opened.class, (s, e) -> new Account(true, clock.incrementAndGet())) // reads a "clock"
        .build())) {
      BehaviorFixture.Then<Account> opened = drifting.given().when("Open", Map.of());
      assertThatThrownBy(opened::expectRecovers).isInstanceOf(AssertionError.class)
          .hasMessageContaining("the actor's state is " + new Account(true, 1))
          .hasMessageContaining("1 stored events replay to " + new Account(true, 2));
    }
  }

  @Test
  void stateOfAnActorWhoseHistoryDoesNotReplay_isAnAssertionError_namingTheCause() {
    assertThatThrownBy(() -> account.given(NewEvent.of("Renamed", Map.of())).state())
        .isInstanceOf(AssertionError.class).hasMessageContaining("cannot be activated")
        .hasMessageContaining("Renamed");
  }

  @Test
  void aResendWithTheSameCommandId_isAnsweredAsADuplicate() {
    BehaviorFixture.Then<Account> first = account.given(new Opened(), new Deposited(100))
        .when("Withdraw", Map.of("amount", 30), "w-1");
    BehaviorFixture.Then<Account> again = first.andWhen("Withdraw", Map.of("amount", 30), "w-1");
    assertThat(again.result()).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.duplicate()).isTrue());
    again.expectDuplicate().expectNoEvents().expectState(s -> assertThat(s.balance()).isEqualTo(70));
    assertThatThrownBy(first::expectDuplicate).isInstanceOf(AssertionError.class).hasMessageContaining("duplicate");
  }

  @Test
  void commandRecords_areSentByTheirRegisteredName_andAStateComparesByEquality() {
    account.given(new Opened(), new Deposited(100))
        .when(new Withdraw(30))
        .expectEvents(new Withdrawn(30))
        .expectState(new Account(true, 70))
        .andWhen(new Withdraw(80))
        .expectRejected(RejectionReason.BUSINESS_RULE, "insufficient funds");
    BehaviorFixture.Then<Account> opened = account.given().when(new Open()).expectEvents(new Opened());
    assertThatThrownBy(() -> opened.expectState(new Account(true, 1))).isInstanceOf(AssertionError.class)
        .hasMessageContaining("balance=1").hasMessageContaining("balance=0");
    assertThatThrownBy(() -> account.given().when(new Deposited(1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("under no command");
  }

  @Test
  void aFailedExpectation_saysWhatWasExpectedAndWhatHappened() {
    BehaviorFixture.Then<Account> rejected = account.given().when("Withdraw", Map.of("amount", 1));
    assertThatThrownBy(() -> rejected.expectEvents(new Withdrawn(1))).isInstanceOf(AssertionError.class)
        .hasMessageContaining("Withdrawn").hasMessageContaining("not open");
    assertThatThrownBy(() -> rejected.expectRejected(RejectionReason.BUSINESS_RULE, "funds"))
        .isInstanceOf(AssertionError.class).hasMessageContaining("not open");
    assertThatThrownBy(() -> rejected.expectFieldError("payload.amount")).isInstanceOf(AssertionError.class);

    BehaviorFixture.Then<Account> accepted = account.given(new Opened(), new Deposited(5))
        .when("Withdraw", Map.of("amount", 5));
    assertThatThrownBy(() -> accepted.expectEvents(new Withdrawn(4))).isInstanceOf(AssertionError.class)
        .hasMessageContaining("amount=4").hasMessageContaining("amount=5");
    assertThatThrownBy(accepted::expectNoEvents).isInstanceOf(AssertionError.class);
    assertThatThrownBy(() -> accepted.expectRejected(RejectionReason.BUSINESS_RULE))
        .isInstanceOf(AssertionError.class);
  }

  @Test
  void badGivenEvents_areRefusedNamingThem() {
    assertThatThrownBy(() -> account.given(new Opened(), null)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("events[1]");
    assertThatThrownBy(() -> account.given(new Unregistered(1))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Unregistered").hasMessageContaining(".event(");
    assertThatThrownBy(() -> account.given().when((Object) null)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("command");
  }

  /** A part of a state with no type information in its JSON: written, but never read back. */
  interface Shape {}

  record Circle(double radius) implements Shape {}

  record Drawing(Shape shape) {}

  record Draw(double radius) {}

  record Drawn(double radius) {}

  record Holder(Object thing) {}

  private static BehaviorFixture<Drawing> unreadableState() {
    return BehaviorFixture.of(JavaBehavior.builder("Drawing", Drawing.class, new Drawing(null))
        .command("Draw", Draw.class, (s, c) -> Effect.persist(new Drawn(c.radius())))
        .event("Drawn", Drawn.class, (s, e) -> new Drawing(new Circle(e.radius())))
        .build());
  }

  @Test
  void expectRecovers_ofAStateThatDoesNotReadBackFromItsJson_isAnAssertionError_namingWhatFailed() {
    try (BehaviorFixture<Drawing> drawing = unreadableState()) {
      BehaviorFixture.Then<Drawing> drawn = drawing.given().when("Draw", Map.of("radius", 2.0));

      assertThatThrownBy(drawn::expectRecovers).isInstanceOf(AssertionError.class)
          .hasMessageContaining("Drawing/fixture-1").hasMessageContaining("stateFromJson")
          .hasMessageContaining("Shape");
      assertThatThrownBy(drawn::state).isInstanceOf(AssertionError.class).hasMessageContaining("stateFromJson");
    }
  }

  @Test
  void expectRecovers_ofAStateThatCannotBeWrittenAsJson_isAnAssertionError_namingWhatFailed() {
    try (BehaviorFixture<Holder> holder = BehaviorFixture.of(JavaBehavior.builder("Holder", Holder.class,
            new Holder(null))
        .command("Open", Open.class, (s, c) -> Effect.persist(new Opened()))
        .event("Opened", Opened.class, (s, e) -> new Holder(new Object())) // no JSON form
        .build())) {
      BehaviorFixture.Then<Holder> opened = holder.given().when("Open", Map.of());

      assertThatThrownBy(opened::expectRecovers).isInstanceOf(AssertionError.class)
          .hasMessageContaining("Holder/fixture-1").hasMessageContaining("stateToJson");
    }
  }

  @Test
  void everyUseOfAClosedFixture_isAnIllegalStateException_andClosingAgainIsFine() {
    BehaviorFixture.Then<Account> opened = account.given().when("Open", Map.of());
    BehaviorFixture.Given<Account> given = account.given(new Opened());
    account.close();
    account.close();

    assertThatThrownBy(() -> account.given()).isInstanceOf(IllegalStateException.class)
        .hasMessage("the fixture is closed");
    assertThatThrownBy(() -> given.when("Withdraw", Map.of("amount", 1))).isInstanceOf(IllegalStateException.class)
        .hasMessage("the fixture is closed");
    assertThatThrownBy(() -> given.when(new Withdraw(1))).isInstanceOf(IllegalStateException.class)
        .hasMessage("the fixture is closed");
    assertThatThrownBy(given::state).isInstanceOf(IllegalStateException.class).hasMessage("the fixture is closed");
    assertThatThrownBy(() -> opened.andWhen("Open", Map.of())).isInstanceOf(IllegalStateException.class)
        .hasMessage("the fixture is closed");
    assertThatThrownBy(opened::expectRecovers).isInstanceOf(IllegalStateException.class)
        .hasMessage("the fixture is closed");
    assertThatThrownBy(() -> opened.expectState(new Account(true, 0))).isInstanceOf(IllegalStateException.class)
        .hasMessage("the fixture is closed");
    assertThatThrownBy(() -> opened.expectEvents(new Opened())).isInstanceOf(IllegalStateException.class)
        .hasMessage("the fixture is closed");
    assertThatThrownBy(opened::result).isInstanceOf(IllegalStateException.class)
        .hasMessage("the fixture is closed");
  }

  record Balance(long balance) {}

  record Deposit(long amount) {}

  /** The module README's example, as written there (with its {@code Account} named {@code Balance} here). */
  @Test
  void theReadmeExample() {
    JavaBehavior<Balance> account = JavaBehavior.builder("Account", Balance.class, new Balance(0))
        .command("Deposit", Deposit.class, (s, c) -> c.amount() <= 0 ? Effect.reject("amount must be positive")
            : Effect.persist(new Deposited(c.amount())))
        .event("Deposited", Deposited.class, (s, e) -> new Balance(s.balance() + e.amount()))
        .build();
    try (BehaviorFixture<Balance> fixture = BehaviorFixture.of(account)) {
      fixture.given(new Deposited(100))
          .when("Deposit", Map.of("amount", 20))
          .expectEvents(new Deposited(20))
          .expectState(s -> assertThat(s.balance()).isEqualTo(120));
      fixture.given().when("Deposit", Map.of("amount", 0)).expectRejected(RejectionReason.BUSINESS_RULE)
          .expectNoEvents();
    }
  }
}
